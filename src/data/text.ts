import { DataError } from './errors.js';
import { type ReadLimit, readTextFile } from './read-file.js';
import { holdOut } from './split.js';
import { characterSet, encode, LINE_BOUNDARY, type Vocabulary } from './vocabulary.js';

/** A character stream as token ids (nanoGPT's shakespeare_char) and its vocabulary. */
export interface TextCorpus {
  file: string;
  tokens: Int32Array;
  vocab: Vocabulary;
}

export interface CorpusOptions extends ReadLimit {
  /** The vocabulary of the training data (a test split, eval, resume): others are errors. */
  vocab?: Vocabulary;
}

/** A text file as one stream of character ids; the vocabulary is its characters, sorted. */
export function loadText(path: string, options: CorpusOptions = {}): TextCorpus {
  const text = readTextFile(path, options);
  if (text.length === 0) {
    throw new DataError('is empty: a text source needs characters to learn from', { file: path });
  }
  const vocab = options.vocab ?? characterSet([text]);
  return { file: path, tokens: encode(text, vocab, 'the text', { file: path }), vocab };
}

/** Checks that a stream holds at least one window of `blockSize` and the character after it. */
export function checkStreamLength(length: number, blockSize: number, what: string): void {
  if (length < blockSize + 1) {
    throw new DataError(
      `${what} has ${length} character${length === 1 ? '' : 's'}, fewer than block_size + 1 = ${blockSize + 1} (one window and the character after it)`,
    );
  }
}

/**
 * Splits a stream as nanoGPT does: the first ⌊n·(1 − valid)⌋ tokens train, the rest validate.
 * Each part must hold at least one window.
 */
export function splitStream(
  corpus: TextCorpus,
  valid: number,
  blockSize: number,
): { train: Int32Array; valid: Int32Array | null } {
  const n = corpus.tokens.length;
  checkStreamLength(n, blockSize, corpus.file);
  if (!(valid >= 0 && valid < 1)) {
    throw new DataError(`valid must be a fraction in [0, 1), got ${valid}`);
  }
  if (valid === 0) return { train: corpus.tokens, valid: null };
  const cut = Math.floor(n * (1 - valid));
  const percent = (fraction: number) => `${Number((fraction * 100).toPrecision(3))}%`;
  const part = (what: string) => `${corpus.file}: the ${what} (valid: ${valid})`;
  checkStreamLength(cut, blockSize, part(`training part, the first ${percent(1 - valid)}`));
  checkStreamLength(n - cut, blockSize, part(`validation part, the last ${percent(valid)}`));
  return { train: corpus.tokens.subarray(0, cut), valid: corpus.tokens.subarray(cut) };
}

/** One example per line (makemore's names), with each line's 1-based number in the file. */
export interface LineCorpus {
  file: string;
  lines: string[];
  lineNumbers: number[];
  vocab: Vocabulary;
}

/**
 * A file of one example per line. Lines end in LF or CRLF; a final newline is optional. A blank
 * line (empty or only spaces) is an error naming it: it would be an empty example. The
 * vocabulary is '\n' (id 0, the line boundary) followed by the lines' characters, sorted.
 */
export function loadLines(path: string, options: CorpusOptions = {}): LineCorpus {
  const text = readTextFile(path, options);
  if (text.length === 0) {
    throw new DataError('is empty: a lines source needs one example per line', { file: path });
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      throw new DataError(
        `line ${i + 1} is blank: a lines source takes one example per line, and a blank line would be an empty example`,
        { file: path, row: i + 1 },
      );
    }
  });
  const vocab = options.vocab ?? [LINE_BOUNDARY, ...characterSet(lines)];
  lines.forEach((line, i) => {
    encode(line, vocab, `line ${i + 1}`, { file: path, row: i + 1 });
  });
  return { file: path, lines, lineNumbers: lines.map((_, i) => i + 1), vocab };
}

/** The length of the longest line in characters (code points). */
export function longestLine(corpus: LineCorpus): number {
  let longest = 0;
  for (const line of corpus.lines) longest = Math.max(longest, [...line].length);
  return longest;
}

/**
 * The lines as makemore's examples, each `blockSize` ids: x = [0, c1 .. cn, 0, ...] and
 * y = [c1 .. cn, 0, -1, ...], so position t predicts character t + 1, the last character
 * predicts the end (0), and positions past it are -1 (ignored with ignore_index=-1).
 * A line must fit: n + 1 <= blockSize.
 */
export function lineExamples(
  corpus: LineCorpus,
  blockSize: number,
): { x: Int32Array; y: Int32Array; rows: number } {
  const rows = corpus.lines.length;
  const x = new Int32Array(rows * blockSize);
  const y = new Int32Array(rows * blockSize).fill(-1);
  const index = new Map(corpus.vocab.map((c, i) => [c, i]));
  corpus.lines.forEach((line, r) => {
    const chars = [...line];
    if (chars.length + 1 > blockSize) {
      const row = corpus.lineNumbers[r];
      throw new DataError(
        `line ${row} has ${chars.length} characters; block_size ${blockSize} fits lines of at most ${blockSize - 1} (one position holds the start token)`,
        { file: corpus.file, row },
      );
    }
    const base = r * blockSize;
    chars.forEach((c, t) => {
      const id = index.get(c) as number;
      x[base + t + 1] = id;
      y[base + t] = id;
    });
    y[base + chars.length] = 0;
  });
  return { x, y, rows };
}

/**
 * A seeded random fraction of the lines held out, by the rule of the CSV split (one permutation
 * from Rng(seed), its first round(n·valid) lines validate).
 */
export function splitLines(
  corpus: LineCorpus,
  valid: number,
  seed: number,
): { train: LineCorpus; valid: LineCorpus | null } {
  const parts = holdOut(corpus.lines.length, valid, seed);
  const pick = (rows: Int32Array): LineCorpus => ({
    ...corpus,
    lines: Array.from(rows, (r) => corpus.lines[r]),
    lineNumbers: Array.from(rows, (r) => corpus.lineNumbers[r]),
  });
  return { train: pick(parts.train), valid: parts.valid ? pick(parts.valid) : null };
}
