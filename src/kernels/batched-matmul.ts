import { matmulKernel } from './backend.js';
import { broadcastStrides } from './broadcast.js';
import type { Dims, NumArray } from './types.js';

function count(dims: Dims): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** A stack of matrices, row-major, with the batch dims in front of each matrix. */
export interface BatchedOperand {
  data: NumArray;
  batch: Dims;
}

/** op(a) is m×k, op(b) k×n, out m×n. */
export interface MatrixDims {
  m: number;
  k: number;
  n: number;
}

/**
 * One matmul per index of the broadcast batch `batch`: out[i] (+)= op(a[i]) · op(b[i]), where each
 * operand's own batch dims broadcast to `batch` (the same matrix is reused along a broadcast
 * axis). Matrices are m×k (a), k×n (b), m×n (out) in the kernel's terms, taken as subarray views.
 * Where `out` is broadcast (a gradient summed back over batch dims) it is zeroed and accumulated.
 *
 * Two layouts need no batch loop: a shared `b` with plain `a` (rows of all batches stacked:
 * x[b, n, k] @ W[k, m]), and a shared `out` of aᵀ·b (the batch joins the inner dimension: the
 * weight gradient of that same product).
 */
export function batchedMatmul(
  a: BatchedOperand,
  b: BatchedOperand,
  out: BatchedOperand,
  batch: Dims,
  { m, k, n }: MatrixDims,
  transA: boolean,
  transB: boolean,
): void {
  const kernel = matmulKernel();
  const total = count(batch);
  const outShared = count(out.batch) < total;
  if (count(b.batch) === 1 && !transA && !outShared) {
    kernel(a.data, b.data, out.data, m * total, k, n, false, transB, false);
    return;
  }
  if (
    transA &&
    !transB &&
    count(out.batch) === 1 &&
    count(a.batch) === total &&
    count(b.batch) === total
  ) {
    kernel(a.data, b.data, out.data, m, k * total, n, true, false, false);
    return;
  }
  if (outShared) out.data.fill(0);
  const sa = broadcastStrides(a.batch, batch);
  const sb = broadcastStrides(b.batch, batch);
  const so = broadcastStrides(out.batch, batch);
  const rank = batch.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  let io = 0;
  for (let i = 0; i < total; i++) {
    kernel(
      a.data.subarray(ia * m * k, (ia + 1) * m * k),
      b.data.subarray(ib * k * n, (ib + 1) * k * n),
      out.data.subarray(io * m * n, (io + 1) * m * n),
      m,
      k,
      n,
      transA,
      transB,
      outShared,
    );
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      io += so[d];
      if (index[d] < batch[d]) break;
      ia -= sa[d] * batch[d];
      ib -= sb[d] * batch[d];
      io -= so[d] * batch[d];
      index[d] = 0;
    }
  }
}
