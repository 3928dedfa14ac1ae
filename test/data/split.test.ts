import { describe, expect, it } from 'vitest';
import { type Dataset, loadBuiltin, splitDataset } from '../../src/data/index.js';

/** A data set whose single feature is the row number, so rows can be traced through a split. */
function numbered(n: number): Dataset {
  return {
    features: Float32Array.from({ length: n }, (_, i) => i),
    featureNames: ['row'],
    target: Int32Array.from({ length: n }, (_, i) => i % 3),
    targetName: 'label',
    classes: ['a', 'b', 'c'],
    task: 'classification',
  };
}

describe('splitDataset', () => {
  it('holds out round(n·valid) rows, disjoint from the training rows, covering all', () => {
    const { train, valid } = splitDataset(numbered(150), { valid: 0.2, seed: 7 });
    expect(valid!.target).toHaveLength(30);
    expect(train.target).toHaveLength(120);
    const rows = [...train.features, ...valid!.features].sort((a, b) => a - b);
    expect(rows).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(splitDataset(numbered(11), { valid: 0.25, seed: 1 }).valid!.target).toHaveLength(3);
  });

  it('keeps each row with its target, names and classes', () => {
    const { train, valid } = splitDataset(numbered(30), { valid: 0.5, seed: 3 });
    for (const part of [train, valid!]) {
      part.features.forEach((row, i) => {
        expect(part.target[i]).toBe(row % 3);
      });
      expect(part.classes).toEqual(['a', 'b', 'c']);
      expect(part.target).toBeInstanceOf(Int32Array);
    }
  });

  it('is the same for the same seed, shuffled, and different for another seed', () => {
    const ds = loadBuiltin('iris');
    const a = splitDataset(ds, { valid: 0.2, seed: 7 });
    const b = splitDataset(ds, { valid: 0.2, seed: 7 });
    const c = splitDataset(ds, { valid: 0.2, seed: 8 });
    expect(b.valid!.features).toEqual(a.valid!.features);
    expect(c.valid!.features).not.toEqual(a.valid!.features);
    const heldOut = new Set(a.valid!.target);
    expect(heldOut.size).toBeGreaterThan(1);
  });

  it('gives no validation set for valid 0 and refuses fractions that leave a side empty', () => {
    const ds = numbered(10);
    expect(splitDataset(ds, { valid: 0, seed: 1 })).toEqual({ train: ds, valid: null });
    expect(() => splitDataset(ds, { valid: 1, seed: 1 })).toThrow('valid must be a fraction');
    expect(() => splitDataset(ds, { valid: -0.1, seed: 1 })).toThrow('valid must be a fraction');
    expect(() => splitDataset(ds, { valid: 0.01, seed: 1 })).toThrow('no validation rows');
    expect(() => splitDataset(ds, { valid: 0.99, seed: 1 })).toThrow('no training rows');
  });
});
