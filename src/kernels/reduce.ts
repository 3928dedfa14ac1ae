import type { Dims, NumArray } from './types.js';

/**
 * Splits `dims` around `axis` into (outer, length, inner) so that element (o, a, i) sits at
 * o*length*inner + a*inner + i: every axis reduction is a loop over these three.
 */
export function axisSplit(dims: Dims, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= dims[d];
  for (let d = axis + 1; d < dims.length; d++) inner *= dims[d];
  return [outer, dims[axis], inner];
}

export function sumAll(src: NumArray): number {
  let s = 0;
  for (let i = 0; i < src.length; i++) s += src[i];
  return s;
}

/** out[o, i] = Σ_a src[o, a, i] */
export function sumAxis(src: NumArray, dims: Dims, axis: number, out: NumArray): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    const ob = o * inner;
    for (let a = 0; a < length; a++) {
      const row = base + a * inner;
      for (let i = 0; i < inner; i++) out[ob + i] += src[row + i];
    }
  }
}
