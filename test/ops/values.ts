import { expect } from 'vitest';
import { type NestedArray, type Tensor, tensor } from '../../src/index.js';

/** A float64 leaf that requires grad, from nested arrays (for hand-worked gradient checks). */
export function f64(values: NestedArray, requiresGrad = true): Tensor {
  return tensor(values, { dtype: 'float64', requiresGrad });
}

function shapeOf(v: NestedArray): number[] {
  return Array.isArray(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]) : [])] : [];
}

/**
 * Asserts that `t` has the shape of `expected` and values close to it, element by element:
 * to 10 decimals for float64, 5 for float32 and int32.
 */
export function expectValues(t: Tensor | null, expected: NestedArray, digits?: number): void {
  expect(t).not.toBeNull();
  const got = t as Tensor;
  const places = digits ?? (got.dtype === 'float64' ? 10 : 5);
  expect(got.shape).toEqual(shapeOf(expected));
  const flat: number[] = [];
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else flat.push(Number(v));
  };
  walk(expected);
  Array.from(got.storage).forEach((v, i) => {
    const want = flat[i];
    if (Number.isNaN(want)) expect(v, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(want)) expect(v, `element ${i}`).toBe(want);
    else expect(v, `element ${i}`).toBeCloseTo(want, places);
  });
}
