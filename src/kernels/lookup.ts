import type { Dims, NumArray } from './types.js';

// Lookups by integer index: embedding rows, gather along an axis, one-hot rows. Each forward
// checks its indices as it reads them and returns the position of the first one out of range
// (-1 when all are in range), so the caller can name it; each backward is one pass over the
// indices, adding the gradient into the rows or elements they picked.

/** out[i, :] = weight[ids[i], :] for weight [rows, dim]; the first id outside 0..rows−1, or -1. */
export function embeddingForward(
  ids: NumArray,
  weight: NumArray,
  rows: number,
  dim: number,
  out: NumArray,
): number {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < rows)) return i;
    out.set(weight.subarray(id * dim, (id + 1) * dim), i * dim);
  }
  return -1;
}

/**
 * gw (zeroed here) gets Σ g[i, :] over the positions i whose id is that row, in the order of
 * the ids; the padding row (when not null) gets none.
 */
export function embeddingBackward(
  g: NumArray,
  ids: NumArray,
  dim: number,
  paddingIdx: number | null,
  gw: NumArray,
): void {
  gw.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === paddingIdx) continue;
    const row = id * dim;
    const from = i * dim;
    for (let j = 0; j < dim; j++) gw[row + j] += g[from + j];
  }
}

/** Row-major strides of `dims`. */
function strides(dims: Dims): number[] {
  const out = new Array<number>(dims.length);
  let s = 1;
  for (let d = dims.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= dims[d];
  }
  return out;
}

/**
 * Calls visit(i, at) for each element i of an index tensor of shape `indexDims`, `at` being the
 * offset in x (shape `xDims`) of the same position with the axis coordinate left at 0; stops
 * at, and returns, the first i for which visit returns false (-1 when none does).
 */
function alongIndex(
  indexDims: Dims,
  xDims: Dims,
  axis: number,
  visit: (i: number, at: number) => boolean,
): number {
  const rank = indexDims.length;
  const xStrides = strides(xDims);
  const coord = new Array<number>(rank).fill(0);
  const size = indexDims.reduce((a, b) => a * b, 1);
  let at = 0;
  for (let i = 0; i < size; i++) {
    if (!visit(i, at)) return i;
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      if (d !== axis) at += xStrides[d];
      if (coord[d] < indexDims[d]) break;
      if (d !== axis) at -= xStrides[d] * indexDims[d];
      coord[d] = 0;
    }
  }
  return -1;
}

/**
 * torch.gather: out[..., j, ...] = x[..., index[..., j, ...], ...] along `axis`, out shaped as
 * index; the first index outside 0..xDims[axis]−1, or -1.
 */
export function gatherForward(
  x: NumArray,
  xDims: Dims,
  index: NumArray,
  indexDims: Dims,
  axis: number,
  out: NumArray,
): number {
  const length = xDims[axis];
  const step = strides(xDims)[axis];
  return alongIndex(indexDims, xDims, axis, (i, at) => {
    const k = index[i];
    if (!(k >= 0 && k < length)) return false;
    out[i] = x[at + k * step];
    return true;
  });
}

/** gx (zeroed here, shape xDims) gets g added at the positions gather read (repeats add up). */
export function gatherBackward(
  g: NumArray,
  index: NumArray,
  indexDims: Dims,
  xDims: Dims,
  axis: number,
  gx: NumArray,
): void {
  gx.fill(0);
  const step = strides(xDims)[axis];
  alongIndex(indexDims, xDims, axis, (i, at) => {
    gx[at + index[i] * step] += g[i];
    return true;
  });
}

/** out[i, :] = one-hot of ids[i] over `classes`; the first id outside 0..classes−1, or -1. */
export function oneHot(ids: NumArray, classes: number, out: NumArray): number {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < classes)) return i;
    out[i * classes + id] = 1;
  }
  return -1;
}
