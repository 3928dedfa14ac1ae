import { matmulKernel } from './backend.js';
import { broadcastStrides } from './elementwise.js';
import type { Dims, NumArray } from './types.js';

function count(dims: Dims): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
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
  a: NumArray,
  aBatch: Dims,
  b: NumArray,
  bBatch: Dims,
  out: NumArray,
  outBatch: Dims,
  batch: Dims,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const kernel = matmulKernel();
  const total = count(batch);
  const outShared = count(outBatch) < total;
  if (count(bBatch) === 1 && !transA && !outShared) {
    kernel(a, b, out, m * total, k, n, false, transB, false);
    return;
  }
  if (
    transA &&
    !transB &&
    count(outBatch) === 1 &&
    count(aBatch) === total &&
    count(bBatch) === total
  ) {
    kernel(a, b, out, m, k * total, n, true, false, false);
    return;
  }
  if (outShared) out.fill(0);
  const sa = broadcastStrides(aBatch, batch);
  const sb = broadcastStrides(bBatch, batch);
  const so = broadcastStrides(outBatch, batch);
  const rank = batch.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  let io = 0;
  for (let i = 0; i < total; i++) {
    kernel(
      a.subarray(ia * m * k, (ia + 1) * m * k),
      b.subarray(ib * k * n, (ib + 1) * k * n),
      out.subarray(io * m * n, (io + 1) * m * n),
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
