import { describe, expect, it } from 'vitest';
import {
  applyStandardizer,
  fitStandardizer,
  loadBuiltin,
  splitDataset,
} from '../../src/data/index.js';

describe('fitStandardizer / applyStandardizer', () => {
  it('computes mean and population std per column', () => {
    const x = Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]);
    const stats = fitStandardizer(x, 2);
    expect(stats.mean).toEqual([2.5, 25]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(stats.std[1]).toBeCloseTo(Math.sqrt(125), 12);
  });

  it('gives a constant column std 1 so it maps to exactly 0', () => {
    const x = Float32Array.from([0.1, 1, 0.1, 2, 0.1, 3]);
    const stats = fitStandardizer(x, 2);
    expect(stats.std[0]).toBe(1);
    const z = applyStandardizer(x, 2, stats);
    expect([z[0], z[2], z[4]]).toEqual([0, 0, 0]);
  });

  it('makes the training rows mean 0 std 1, learned from the training rows only', () => {
    const { train, valid } = splitDataset(loadBuiltin('iris'), { valid: 0.3, seed: 2 });
    const stats = fitStandardizer(train.features, 4);
    expect(stats).not.toEqual(fitStandardizer(valid!.features, 4));
    const z = applyStandardizer(train.features, 4, stats);
    const again = fitStandardizer(z, 4);
    for (const m of again.mean) expect(m).toBeCloseTo(0, 5);
    for (const s of again.std) expect(s).toBeCloseTo(1, 5);
  });

  it('leaves its input and the target alone', () => {
    const ds = loadBuiltin('moons', { seed: 1 });
    const before = ds.features.slice();
    const targetBefore = ds.target.slice();
    const z = applyStandardizer(ds.features, 2, fitStandardizer(ds.features, 2));
    expect(z).not.toBe(ds.features);
    expect(ds.features).toEqual(before);
    expect(ds.target).toEqual(targetBefore);
  });

  it('refuses statistics of another width and an empty matrix', () => {
    const stats = fitStandardizer(Float32Array.from([1, 2, 3]), 3);
    expect(() => applyStandardizer(Float32Array.from([1, 2]), 2, stats)).toThrow(
      'the standardizer has statistics for 3 features, the data has 2',
    );
    expect(() => fitStandardizer(new Float32Array(0), 2)).toThrow('at least one full row');
  });
});
