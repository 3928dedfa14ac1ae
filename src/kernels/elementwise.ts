import type { Dims, NumArray } from './types.js';

/** out[i] = f(a[i]) */
export function mapUnary(a: NumArray, out: NumArray, f: (x: number) => number): void {
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
}

/**
 * out = f(a, b) with NumPy broadcasting; `outDims` is the broadcast shape. Same-size operands and
 * a scalar operand take straight loops; everything else walks a multi-index.
 */
export function mapBinary(
  a: NumArray,
  aDims: Dims,
  b: NumArray,
  bDims: Dims,
  out: NumArray,
  outDims: Dims,
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], y);
    return;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
    return;
  }
  const rank = outDims.length;
  const sa = broadcastStrides(aDims, outDims);
  const sb = broadcastStrides(bDims, outDims);
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(a[ia], b[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      if (index[d] < outDims[d]) break;
      ia -= sa[d] * outDims[d];
      ib -= sb[d] * outDims[d];
      index[d] = 0;
    }
  }
}

/** Strides of `dims` read as `outDims` by broadcasting: 0 on every broadcast axis. */
export function broadcastStrides(dims: Dims, outDims: Dims): number[] {
  const rank = outDims.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = rank - dims.length + i;
    strides[d] = dims[i] === 1 ? 0 : s;
    s *= dims[i];
  }
  return strides;
}

/**
 * Sums `src` (shape `srcDims`) down to `outDims`, the inverse of broadcasting: how the gradient
 * of a broadcast operand is formed. `out` is overwritten.
 */
export function sumToDims(src: NumArray, srcDims: Dims, out: NumArray, outDims: Dims): void {
  out.fill(0);
  if (out.length === src.length) {
    out.set(src);
    return;
  }
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < src.length; i++) s += src[i];
    out[0] = s;
    return;
  }
  const rank = srcDims.length;
  const so = broadcastStrides(outDims, srcDims);
  const index = new Array<number>(rank).fill(0);
  let io = 0;
  for (let i = 0; i < src.length; i++) {
    out[io] += src[i];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      io += so[d];
      if (index[d] < srcDims[d]) break;
      io -= so[d] * srcDims[d];
      index[d] = 0;
    }
  }
}

/** Copies `src` broadcast to `outDims` (the gradient of a reduction spreads back this way). */
export function expandTo(src: NumArray, srcDims: Dims, out: NumArray, outDims: Dims): void {
  if (src.length === out.length) {
    out.set(src);
    return;
  }
  mapBinary(src, srcDims, src, srcDims, out, outDims, (x) => x);
}
