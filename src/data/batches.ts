import type { Rng } from '../tensor/rng.js';
import { DataError } from './errors.js';

export interface BatchOptions {
  /** Draw a fresh permutation from `rng` (one per call, i.e. per epoch). */
  shuffle: boolean;
  rng?: Rng;
}

/**
 * The row indices of one epoch cut into batches of `batchSize`; the last batch keeps the
 * remainder (like torch's DataLoader with drop_last=False). Every index appears exactly once.
 */
export function batches(n: number, batchSize: number, options: BatchOptions): Int32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DataError(`batch size must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new DataError(`number of rows must be a non-negative integer, got ${n}`);
  }
  let order: Int32Array;
  if (options.shuffle) {
    if (options.rng === undefined) throw new DataError('shuffled batches need an rng');
    order = options.rng.permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const out: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    out.push(order.subarray(start, Math.min(start + batchSize, n)));
  }
  return out;
}

/**
 * Copies rows `indices` of a row-major matrix with d columns into `out` (reused across batches,
 * at least indices.length·d long) and returns the filled part as a view of `out`.
 */
export function gather<T extends Float32Array | Float64Array | Int32Array>(
  source: T,
  d: number,
  indices: ArrayLike<number>,
  out: T,
): T {
  const size = indices.length * d;
  if (out.length < size) {
    throw new DataError(`gather: output holds ${out.length} values, ${size} are needed`);
  }
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    for (let j = 0; j < d; j++) out[i * d + j] = source[r * d + j];
  }
  return out.subarray(0, size) as T;
}
