import { describe, expect, it } from 'vitest';
import { decode } from '../../src/data/index.js';
import { lowerSpecText } from '../../src/runtime/compile.js';
import { Rng } from '../../src/tensor/rng.js';
import { prepareData, type TokenInfo } from '../../src/train/training-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('token-data');

function graphOf(time: string | number, extra = '') {
  return lowerSpecText(
    `modelspec: 1
name: lm
inputs:
  idx: { shape: [batch, ${time}], dtype: int32 }
  targets: { shape: [batch, ${time}], dtype: int32 }
${extra}`,
  ).graph;
}

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(20);

describe('text data bound to a spec', () => {
  it('windows feed the first input (ids) and the second (targets, shifted by one)', () => {
    const path = dir.write('fox.txt', TEXT);
    const prepared = prepareData(graphOf(8), { text: path, valid: 0.1 }, '.', 0);
    const info = prepared.info as TokenInfo;
    expect(info).toMatchObject({
      kind: 'text',
      blockSize: 8,
      idsInput: 'idx',
      targetInput: 'targets',
    });
    expect(info.vocab.join('')).toBe(' .abcdefghijklmnopqrstuvwxyz');
    // 900 characters: 810 train (100 windows of 8 and the next), 90 validate (11 windows).
    expect([prepared.trainRows, prepared.validRows, prepared.testRows]).toEqual([101, 11, 0]);
    const rng = new Rng(3);
    const pass = prepared.train.pass(32, { shuffle: true, rng });
    expect(pass.map((b) => b.length)).toEqual([32, 32, 32, 32]);
    const { idx, targets } = prepared.train.batch(pass[0]);
    expect(idx.shape).toEqual([32, 8]);
    expect(idx.dtype).toBe('int32');
    for (let b = 0; b < 32; b++) {
      const x = Array.from(idx.storage.subarray(8 * b, 8 * b + 8));
      const y = Array.from(targets.storage.subarray(8 * b, 8 * b + 8));
      expect(y.slice(0, 7)).toEqual(x.slice(1));
      const offset = pass[0][b];
      expect(decode(x, info.vocab)).toBe(TEXT.slice(offset, offset + 8));
    }
    // The same generator state draws the same windows (a resumed run sees the same batches).
    expect(prepared.train.pass(32, { shuffle: true, rng: new Rng(3) })).toEqual(pass);
    // Evaluation: the windows that tile the held-out end, in order.
    const validPass = prepared.valid?.pass(4, { shuffle: false }) ?? [];
    expect(validPass.map((b) => Array.from(b))).toEqual([
      [0, 8, 16, 24],
      [32, 40, 48, 56],
      [64, 72, 80],
    ]);
    const valid = prepared.valid?.batch(validPass[0]);
    expect(decode(valid?.idx.storage.subarray(0, 8) ?? [], info.vocab)).toBe(TEXT.slice(810, 818));
  });

  it('block_size: from the ids input when fixed, required when symbolic, equal when both', () => {
    const path = dir.write('fox2.txt', TEXT);
    expect(() => prepareData(graphOf('t'), { text: path }, '.', 0)).toThrow(
      "text data needs a window length: set train.data.block_size, or give input 'idx' a fixed time dim",
    );
    expect(
      (prepareData(graphOf('t'), { text: path, block_size: 5 }, '.', 0).info as TokenInfo)
        .blockSize,
    ).toBe(5);
    expect(() => prepareData(graphOf(8), { text: path, block_size: 5 }, '.', 0)).toThrow(
      "input 'idx' has shape [batch, 8], windows of 8 tokens, but train.data.block_size is 5",
    );
  });

  it('bind names the ids and targets inputs; the vocabulary must fit the logits', () => {
    const path = dir.write('fox3.txt', TEXT);
    const swapped = prepareData(
      graphOf(8),
      { text: path, bind: { targets: 'features', idx: 'target' } },
      '.',
      0,
    );
    expect(swapped.info).toMatchObject({ idsInput: 'targets', targetInput: 'idx' });
    const small = graphOf(
      8,
      `parameters:
  W: { shape: [8, 10], init: zeros }
graph:
  logits: W * 1
loss: cross_entropy(logits, index(targets, axis=0, index=0))
`,
    );
    expect(() => prepareData(small, { text: path }, '.', 0)).toThrow(
      `${path} has a vocabulary of 28 tokens but 'logits' has 10 outputs; make the output layer 28 wide`,
    );
  });
});

describe('lines data bound to a spec', () => {
  it('{dataset: names}: block size 16, makemore examples, a seeded fraction held out', () => {
    const prepared = prepareData(
      graphOf(16),
      { dataset: 'names', block_size: 16, valid: 0.1 },
      '.',
      7,
    );
    expect([prepared.trainRows, prepared.validRows]).toEqual([28_830, 3_203]);
    const info = prepared.info as TokenInfo;
    expect(info.vocab).toHaveLength(27);
    const { idx, targets } = prepared.train.batch(Int32Array.of(0));
    const x = Array.from(idx.storage);
    const y = Array.from(targets.storage);
    const end = y.indexOf(0);
    const name = decode(y.slice(0, end), info.vocab);
    expect(name).toMatch(/^[a-z]+$/);
    expect(x.slice(0, end + 2)).toEqual([0, ...y.slice(0, end), 0]);
    expect(y.slice(end + 1)).toEqual(new Array(15 - end).fill(-1));
    // The longest line + 1 when neither the input nor block_size says.
    const symbolic = prepareData(graphOf('t'), { lines: dir.write('n.txt', 'ab\nabcd\n') }, '.', 0);
    expect((symbolic.info as TokenInfo).blockSize).toBe(5);
  });
});
