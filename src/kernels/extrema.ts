import { axisSplit } from './reduce.js';
import type { Dims, NumArray } from './types.js';

/** Whether `v` beats the current best `best`: NaN beats everything, as torch's max propagates NaN. */
export type Beats = (v: number, best: number) => boolean;

export const greater: Beats = (v, best) => v > best || (Number.isNaN(v) && !Number.isNaN(best));
export const less: Beats = (v, best) => v < best || (Number.isNaN(v) && !Number.isNaN(best));

/** The extreme value of all of `src` (which is not empty). */
export function extremeAll(src: NumArray, beats: Beats): number {
  return src[extremeAllAt(src, beats)];
}

/** Where in `src` (which is not empty) its extreme value first occurs. */
export function extremeAllAt(src: NumArray, beats: Beats): number {
  let at = 0;
  for (let i = 1; i < src.length; i++) if (beats(src[i], src[at])) at = i;
  return at;
}

/**
 * out[o, i] = the extreme of src[o, :, i]; at[o, i] = the position along the axis of its FIRST
 * occurrence (only a strictly better value replaces the current one).
 */
export function extremeAxis(
  src: NumArray,
  dims: Dims,
  axis: number,
  beats: Beats,
  out: NumArray,
  at: Int32Array,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) {
      let best = src[base + i];
      let where = 0;
      for (let a = 1; a < length; a++) {
        const v = src[base + a * inner + i];
        if (beats(v, best)) {
          best = v;
          where = a;
        }
      }
      out[o * inner + i] = best;
      at[o * inner + i] = where;
    }
  }
}

/** out (zeroed, shape `dims`) gets g[o, i] at (o, at[o, i], i): the inverse of extremeAxis. */
export function scatterAxis(
  g: NumArray,
  at: Int32Array,
  dims: Dims,
  axis: number,
  out: NumArray,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      out[o * length * inner + at[k] * inner + i] = g[k];
    }
  }
}
