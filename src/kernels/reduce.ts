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

/**
 * Variance along `axis` in two passes (the mean, then the squared deviations from it):
 * out[o, i] = Σ_a (src[o, a, i] − mean[o, i])² / (length − correction). `mean` receives the
 * means, for the backward. `axis` null reduces everything (out and mean hold one value).
 */
export function varianceAxis(
  src: NumArray,
  dims: Dims,
  axis: number | null,
  correction: number,
  out: NumArray,
  mean: NumArray,
): void {
  const [outer, length, inner] = axis === null ? [1, src.length, 1] : axisSplit(dims, axis);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let a = 0; a < length; a++) sum += src[base + a * inner + i];
      const m = sum / length;
      let squares = 0;
      for (let a = 0; a < length; a++) {
        const d = src[base + a * inner + i] - m;
        squares += d * d;
      }
      mean[o * inner + i] = m;
      out[o * inner + i] = squares / (length - correction);
    }
  }
}

/**
 * The gradient of varianceAxis (and, with `std` the standard deviations, of their square
 * root): out[o, a, i] = g[o, i] · 2 (src − mean) / (length − correction), divided by
 * 2·std[o, i] for the standard deviation.
 */
export function varianceGrad(
  src: NumArray,
  dims: Dims,
  axis: number | null,
  correction: number,
  mean: NumArray,
  g: NumArray,
  std: NumArray | null,
  out: NumArray,
): void {
  const [outer, length, inner] = axis === null ? [1, src.length, 1] : axisSplit(dims, axis);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      const scale =
        std === null ? (2 * g[k]) / (length - correction) : g[k] / (std[k] * (length - correction));
      const m = mean[k];
      for (let a = 0; a < length; a++) {
        const j = base + a * inner + i;
        out[j] = scale * (src[j] - m);
      }
    }
  }
}
