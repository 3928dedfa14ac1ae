import { describe, expect, it } from 'vitest';
import { arange, full, Rng, randn, ShapeError, tensor, ValueError } from '../../src/index.js';

describe('tensor()', () => {
  it('reads nested arrays and numbers, float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([1, 2], { dtype: 'int32' }).storage).toBeInstanceOf(Int32Array);
  });

  it('reshapes arrays to a given shape, and refuses a shape of another size', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(
      /3 values cannot take shape \[2, 2\]/,
    );
  });

  it('refuses ragged arrays, unknown dtypes and values that are not numbers', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([1], { dtype: 'float16' as 'float32' })).toThrow(/unknown dtype 'float16'/);
    expect(() => tensor(['a'] as unknown as number[])).toThrow(ValueError);
  });

  it('copies typed arrays with their shape', () => {
    const source = new Float32Array([1, 2, 3, 4]);
    const t = tensor(source, { shape: [2, 2] });
    source[0] = 9;
    expect(t.storage[0]).toBe(1);
    expect(() => tensor(source, { shape: [3] })).toThrow(ValueError);
  });
});

describe('random tensors', () => {
  it('gives the same numbers for the same seed and others for another', () => {
    expect(randn([5], { seed: 3 }).toArray()).toEqual(randn([5], { seed: 3 }).toArray());
    expect(randn([5], { seed: 3 }).toArray()).not.toEqual(randn([5], { seed: 4 }).toArray());
  });

  it('reproduces the documented generator: SplitMix32-seeded xoshiro128**', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const draws = Array.from({ length: 4 }, () => a.nextUint32());
    expect(draws).toEqual(Array.from({ length: 4 }, () => b.nextUint32()));
    const state = a.getState();
    const next = a.uniform();
    b.setState(state);
    expect(b.uniform()).toBe(next);
  });

  it('draws uniforms in [0, 1) and normals with mean 0 and std 1', () => {
    const rng = new Rng(7);
    const u = Array.from({ length: 20_000 }, () => rng.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const n = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const std = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });

  it('makes full and arange', () => {
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
  });
});
