import { describe, expect, it } from 'vitest';
import { batches, gather } from '../../src/data/index.js';
import { Rng } from '../../src/tensor/rng.js';

describe('batches', () => {
  it('covers every index exactly once per epoch, keeping the last partial batch', () => {
    const epoch = batches(10, 4, { shuffle: true, rng: new Rng(1) });
    expect(epoch.map((b) => b.length)).toEqual([4, 4, 2]);
    const all = epoch.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is the same for the same seed, and a new order each epoch from one rng', () => {
    const rng = new Rng(5);
    const first = batches(50, 8, { shuffle: true, rng });
    const second = batches(50, 8, { shuffle: true, rng });
    expect(batches(50, 8, { shuffle: true, rng: new Rng(5) })).toEqual(first);
    expect(second).not.toEqual(first);
    expect(batches(50, 8, { shuffle: true, rng: new Rng(6) })).not.toEqual(first);
  });

  it('keeps file order without shuffling, and handles a batch larger than the data', () => {
    expect(batches(5, 2, { shuffle: false }).map((b) => Array.from(b))).toEqual([
      [0, 1],
      [2, 3],
      [4],
    ]);
    expect(batches(3, 64, { shuffle: false }).map((b) => b.length)).toEqual([3]);
    expect(batches(0, 4, { shuffle: false })).toEqual([]);
  });

  it('refuses a bad batch size and shuffling without an rng', () => {
    expect(() => batches(10, 0, { shuffle: false })).toThrow(
      'batch size must be a positive integer',
    );
    expect(() => batches(10, 2.5, { shuffle: false })).toThrow('batch size');
    expect(() => batches(10, 2, { shuffle: true })).toThrow('need an rng');
  });
});

describe('gather', () => {
  it('copies the rows asked for into a reused buffer and returns the filled view', () => {
    const x = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]);
    const out = new Float32Array(6);
    const view = gather(x, 2, Int32Array.from([3, 0, 2]), out);
    expect(Array.from(view)).toEqual([30, 31, 0, 1, 20, 21]);
    const partial = gather(x, 2, [1], out);
    expect(Array.from(partial)).toEqual([10, 11]);
    expect(partial.buffer).toBe(out.buffer);
  });

  it('gathers int targets and refuses a buffer that is too small', () => {
    const y = Int32Array.from([7, 8, 9]);
    expect(Array.from(gather(y, 1, [2, 2, 0], new Int32Array(3)))).toEqual([9, 9, 7]);
    expect(() => gather(y, 1, [0, 1], new Int32Array(1))).toThrow(
      'gather: output holds 1 values, 2 are needed',
    );
  });
});
