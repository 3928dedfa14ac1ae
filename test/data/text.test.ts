import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decode,
  encode,
  lineExamples,
  loadLines,
  loadText,
  splitLines,
  splitStream,
  tokenDatasetPath,
} from '../../src/data/index.js';
import { fillWindows, randomWindowOffsets, tilingWindowOffsets } from '../../src/data/windows.js';
import { Rng } from '../../src/tensor/rng.js';
import { sharedData } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('text');

describe('text sources', () => {
  it('vocabulary: the distinct characters sorted by code point; tokens are their indices', () => {
    const corpus = loadText(dir.write('t.txt', 'hello, world\n'));
    expect(corpus.vocab).toEqual(['\n', ' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(decode(corpus.tokens, corpus.vocab)).toBe('hello, world\n');
    expect(Array.from(corpus.tokens.subarray(0, 5))).toEqual([5, 4, 6, 6, 7]);
  });

  it('characters are code points, as Python str (an emoji is one token)', () => {
    const corpus = loadText(dir.write('emoji.txt', 'a😀b😀'));
    expect(corpus.vocab).toEqual(['a', 'b', '😀']);
    expect(Array.from(corpus.tokens)).toEqual([0, 2, 1, 2]);
  });

  it('tiny shakespeare: 1,115,394 characters, 65 distinct, as nanoGPT counts them', () => {
    const corpus = loadText(tokenDatasetPath('shakespeare_char'));
    expect(corpus.tokens).toHaveLength(1_115_394);
    expect(corpus.vocab.join('')).toBe(
      "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    );
    // The shipped copy is the shared one.
    const shared = loadText(sharedData('tinyshakespeare.txt'));
    expect(Buffer.from(shared.tokens.buffer).equals(Buffer.from(corpus.tokens.buffer))).toBe(true);
    // nanoGPT's prepare.py: train 1,003,854 tokens, val 111,540.
    const parts = splitStream(corpus, 0.1, 256);
    expect(parts.train).toHaveLength(1_003_854);
    expect(parts.valid).toHaveLength(111_540);
  });

  it('encoding with a given vocabulary names the characters it lacks', () => {
    expect(() => encode('héllo wörld', ['h', 'l', 'o', ' ', 'w', 'r', 'd'], 'the prompt')).toThrow(
      "the prompt has 2 characters that the training text does not have: 'é' (U+00E9), 'ö' (U+00F6)",
    );
    const path = dir.write('tab.txt', 'a\tb');
    expect(() => loadText(path, { vocab: ['a', 'b'] })).toThrow(
      `${path}: the text has a character that the training text does not have: U+0009`,
    );
  });

  it('refuses an empty file and a stream shorter than a window', () => {
    const empty = dir.write('empty.txt', '');
    expect(() => loadText(empty)).toThrow(`${empty}: is empty: a text source needs characters`);
    const short = loadText(dir.write('short.txt', 'abcdef'));
    expect(() => splitStream(short, 0, 8)).toThrow(
      `${short.file} has 6 characters, fewer than block_size + 1 = 9 (one window and the character after it)`,
    );
    const hundred = loadText(dir.write('hundred.txt', 'ab'.repeat(50)));
    expect(() => splitStream(hundred, 0.05, 8)).toThrow(
      `${hundred.file}: the validation part, the last 5% (valid: 0.05) has 5 characters, fewer than block_size + 1 = 9`,
    );
    const parts = splitStream(hundred, 0.1, 8);
    expect([parts.train.length, parts.valid?.length]).toEqual([90, 10]);
  });

  it('windows: x = tokens[i:i+T], y = tokens[i+1:i+T+1], at seeded random offsets or tiling', () => {
    const tokens = Int32Array.from({ length: 20 }, (_, i) => i);
    const x = new Int32Array(8);
    const y = new Int32Array(8);
    fillWindows(tokens, 4, [3, 15], x, y);
    expect(Array.from(x)).toEqual([3, 4, 5, 6, 15, 16, 17, 18]);
    expect(Array.from(y)).toEqual([4, 5, 6, 7, 16, 17, 18, 19]);
    const offsets = randomWindowOffsets(20, 4, 1000, new Rng(1));
    expect(Math.min(...offsets)).toBe(0);
    expect(Math.max(...offsets)).toBe(15);
    expect(randomWindowOffsets(20, 4, 1000, new Rng(1))).toEqual(offsets);
    expect(Array.from(tilingWindowOffsets(20, 4))).toEqual([0, 4, 8, 12]);
    expect(Array.from(tilingWindowOffsets(21, 4))).toEqual([0, 4, 8, 12, 16]);
  });
});

describe('lines sources', () => {
  it("makemore's examples: x = [0, c1..cn, 0...], y = [c1..cn, 0, -1...]; id 0 is the line boundary", () => {
    const corpus = loadLines(dir.write('names.txt', 'emma\r\nava\n'));
    expect(corpus.vocab).toEqual(['\n', 'a', 'e', 'm', 'v']);
    const { x, y, rows } = lineExamples(corpus, 6);
    expect(rows).toBe(2);
    expect(Array.from(x)).toEqual([0, 2, 3, 3, 1, 0, 0, 1, 4, 1, 0, 0]);
    expect(Array.from(y)).toEqual([2, 3, 3, 1, 0, -1, 1, 4, 1, 0, -1, -1]);
  });

  it('names.txt: 32,033 names (makemore counts as many), 27 ids, the longest 15 letters', () => {
    const corpus = loadLines(tokenDatasetPath('names'));
    expect(corpus.lines).toHaveLength(32_033);
    expect(corpus.vocab).toHaveLength(27);
    expect(corpus.vocab.slice(0, 3)).toEqual(['\n', 'a', 'b']);
    expect(corpus.lines.slice(0, 3)).toEqual(['emma', 'olivia', 'ava']);
    expect(Math.max(...corpus.lines.map((l) => l.length))).toBe(15);
    expect(loadLines(sharedData('names.txt')).lines).toEqual(corpus.lines);
  });

  it('a blank line, an empty file, a line longer than the block size: errors naming the line', () => {
    const blank = dir.write('blank.txt', 'emma\n\nava\n');
    expect(() => loadLines(blank)).toThrow(
      `${blank}: line 2 is blank: a lines source takes one example per line`,
    );
    const spaces = dir.write('spaces.txt', 'emma\n  \n');
    expect(() => loadLines(spaces)).toThrow('line 2 is blank');
    const empty = dir.write('empty-lines.txt', '');
    expect(() => loadLines(empty)).toThrow(`${empty}: is empty`);
    const long = loadLines(dir.write('long.txt', 'ava\nisabella\n'));
    expect(() => lineExamples(long, 6)).toThrow(
      `${long.file}: line 2 has 8 characters; block_size 6 fits lines of at most 5 (one position holds the start token)`,
    );
  });

  it('valid: a seeded random fraction of the lines', () => {
    const corpus = loadLines(dir.write('ten.txt', 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n'));
    const one = splitLines(corpus, 0.3, 5);
    expect(one.valid?.lines).toHaveLength(3);
    expect(one.train.lines).toHaveLength(7);
    expect([...(one.valid?.lines ?? []), ...one.train.lines].sort()).toEqual(corpus.lines);
    expect(splitLines(corpus, 0.3, 5)).toEqual(one);
    expect(splitLines(corpus, 0.3, 6).valid?.lines).not.toEqual(one.valid?.lines);
    // Line numbers follow the lines, so later errors still name the file's line.
    expect(one.train.lineNumbers.map((n) => corpus.lines[n - 1])).toEqual(one.train.lines);
  });

  it('reads gzip-compressed files (the shipped data sets are)', () => {
    const path = dir.join('names.txt.gz');
    writeFileSync(path, gzipSync('emma\nava\n'));
    expect(loadLines(path).lines).toEqual(['emma', 'ava']);
  });
});
