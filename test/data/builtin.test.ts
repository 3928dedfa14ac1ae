import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, DataError, loadBuiltin } from '../../src/data/index.js';

const GENERATED = ['xor', 'moons', 'circles', 'spirals', 'linear'] as const;

describe('generated built-ins', () => {
  it.each(GENERATED)('%s is the same for the same seed and differs across seeds', (name) => {
    const a = loadBuiltin(name, { seed: 3 });
    const b = loadBuiltin(name, { seed: 3 });
    const c = loadBuiltin(name, { seed: 4 });
    expect(b.features).toEqual(a.features);
    expect(b.target).toEqual(a.target);
    expect(c.features).not.toEqual(a.features);
  });

  it.each([
    ['xor', 200, 2, ['0', '1']],
    ['moons', 200, 2, ['0', '1']],
    ['circles', 200, 2, ['0', '1']],
    ['spirals', 300, 2, ['0', '1', '2']],
  ] as const)('%s has %i rows of %i features and classes %j', (name, n, d, classes) => {
    const ds = loadBuiltin(name, { seed: 1 });
    expect(ds.features.length).toBe(n * d);
    expect(ds.featureNames).toHaveLength(d);
    expect(ds.target).toBeInstanceOf(Int32Array);
    expect(ds.target).toHaveLength(n);
    expect(ds.classes).toEqual(classes);
    expect(ds.task).toBe('classification');
    const counts = classes.map((_, k) => ds.target.filter((t) => t === k).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('honours samples and noise', () => {
    const ds = loadBuiltin('moons', { seed: 0, samples: 51, noise: 0 });
    expect(ds.target).toHaveLength(51);
    for (let i = 0; i < 51; i++) {
      const [x, y] = [ds.features[2 * i], ds.features[2 * i + 1]];
      const r = ds.target[i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      expect(r).toBeCloseTo(1, 5);
    }
  });

  it('circles without noise lie on radius 1 (class 0) and 0.5 (class 1)', () => {
    const ds = loadBuiltin('circles', { seed: 2, noise: 0 });
    for (let i = 0; i < ds.target.length; i++) {
      const r = Math.hypot(ds.features[2 * i], ds.features[2 * i + 1]);
      expect(r).toBeCloseTo(ds.target[i] === 0 ? 1 : 0.5, 5);
    }
  });

  it('xor labels are the exclusive or of the coordinate signs when the noise is small', () => {
    const ds = loadBuiltin('xor', { seed: 5, noise: 0.1 });
    for (let i = 0; i < ds.target.length; i++) {
      const differ = ds.features[2 * i] > 0 !== ds.features[2 * i + 1] > 0;
      expect(ds.target[i]).toBe(differ ? 1 : 0);
    }
  });

  it('spirals takes a class count', () => {
    const ds = loadBuiltin('spirals', { seed: 1, classes: 2, samples: 101 });
    expect(ds.classes).toEqual(['0', '1']);
    expect(ds.target.filter((t) => t === 0)).toHaveLength(51);
  });

  it('linear is a regression set that a least-squares fit recovers with small residuals', () => {
    const ds = loadBuiltin('linear', { seed: 9, noise: 0 });
    expect(ds.task).toBe('regression');
    expect(ds.classes).toBeNull();
    expect(ds.target).toBeInstanceOf(Float32Array);
    expect(ds.features).toHaveLength(600);
    // With no noise, four rows determine w and b; every other row must then fit them.
    const w = solveLinear(ds.features, ds.target);
    for (let i = 0; i < 200; i++) {
      const x = ds.features.subarray(3 * i, 3 * i + 3);
      expect(x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + w[3]).toBeCloseTo(ds.target[i], 3);
    }
  });

  it('rejects bad options and unknown names with a DataError', () => {
    expect(() => loadBuiltin('mnist')).toThrow(/unknown built-in data set 'mnist' \(known: xor/);
    expect(() => loadBuiltin('xor', { samples: 0 })).toThrow(DataError);
    expect(() => loadBuiltin('xor', { noise: -1 })).toThrow(/noise must be/);
    expect(() => loadBuiltin('xor', { classes: 3 })).toThrow(/only to spirals/);
    expect(() => loadBuiltin('iris', { samples: 10 })).toThrow(
      /'samples' does not apply to 'iris'/,
    );
  });

  it('lists every built-in', () => {
    expect([...BUILTIN_DATASETS]).toEqual([...GENERATED, 'iris', 'digits']);
  });
});

describe('shipped built-ins', () => {
  it('iris is 150×4 with the three species in sorted order', () => {
    const ds = loadBuiltin('iris');
    expect(ds.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(ds.features).toHaveLength(600);
    expect(ds.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.targetName).toBe('species');
    expect(Array.from(ds.features.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(ds.target[0]).toBe(0);
    expect(ds.target[149]).toBe(2);
    for (let k = 0; k < 3; k++) expect(ds.target.filter((t) => t === k)).toHaveLength(50);
  });

  it('digits is 1797×64 with classes 0..9', () => {
    const ds = loadBuiltin('digits');
    expect(ds.features).toHaveLength(1797 * 64);
    expect(ds.featureNames[63]).toBe('p63');
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.task).toBe('classification');
    expect(ds.target[0]).toBe(0);
    expect(ds.target[1]).toBe(1);
    expect(Math.max(...ds.features)).toBe(16);
  });
});

/** Exact solve of y = x·w + b from the first four rows (Gaussian elimination, float64). */
function solveLinear(x: Float32Array, y: ArrayLike<number>): number[] {
  const a = [0, 1, 2, 3].map((i) => [x[3 * i], x[3 * i + 1], x[3 * i + 2], 1, y[i]]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 5; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, c) => row[4] / row[c]);
}
