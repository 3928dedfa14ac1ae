import { axisSplit } from './reduce.js';
import type { Dims, NumArray } from './types.js';

// Copies that rearrange elements: transpose, permute, concat, slice. Every result is contiguous.

/** out = src with axes a0 and a1 swapped (`dims` is src's shape). */
export function swapAxes(src: NumArray, dims: Dims, a0: number, a1: number, out: NumArray): void {
  const axes = dims.map((_, d) => d);
  [axes[a0], axes[a1]] = [axes[a1], axes[a0]];
  permuteAxes(src, dims, axes, out);
}

/**
 * out = src with its axes reordered: out's axis k is src's axis `axes[k]` (`dims` is src's
 * shape, `axes` a permutation of its axes). Walks src in order, so reads are contiguous.
 */
export function permuteAxes(src: NumArray, dims: Dims, axes: Dims, out: NumArray): void {
  const rank = dims.length;
  // Where a step along each src axis lands in out: the stride of the out axis it became.
  const step = new Array<number>(rank);
  let s = 1;
  for (let k = rank - 1; k >= 0; k--) {
    step[axes[k]] = s;
    s *= dims[axes[k]];
  }
  const index = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    out[o] = src[i];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      o += step[d];
      if (index[d] < dims[d]) break;
      o -= step[d] * dims[d];
      index[d] = 0;
    }
  }
}

/**
 * Copies `src` (shape `dims`) into the block of `out` that starts at position `offset` along
 * `axis` (out's axis being `outLength` long): one part of a concat. With `reverse` the copy goes
 * the other way, from that block of out into src: the concat's backward split.
 */
export function copyAlongAxis(
  src: NumArray,
  dims: Dims,
  axis: number,
  out: NumArray,
  outLength: number,
  offset: number,
  reverse = false,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  const block = length * inner;
  for (let o = 0; o < outer; o++) {
    const from = o * block;
    const to = (o * outLength + offset) * inner;
    if (reverse) src.set(out.subarray(to, to + block), from);
    else out.set(src.subarray(from, from + block), to);
  }
}

/** out[o, k, i] = src[o, positions[k], i]. */
export function gatherAxis(
  src: NumArray,
  dims: Dims,
  axis: number,
  positions: readonly number[],
  out: NumArray,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  const n = positions.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const from = (o * length + positions[k]) * inner;
      out.set(src.subarray(from, from + inner), (o * n + k) * inner);
    }
  }
}

/** out (zeroed, shape `dims`) gets g[o, k, i] at (o, positions[k], i): gatherAxis's backward. */
export function scatterPositions(
  g: NumArray,
  dims: Dims,
  axis: number,
  positions: readonly number[],
  out: NumArray,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  const n = positions.length;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const to = (o * length + positions[k]) * inner;
      out.set(g.subarray((o * n + k) * inner, (o * n + k + 1) * inner), to);
    }
  }
}
