import { Rng } from '../tensor/rng.js';
import { type Dataset, datasetSize, selectRows } from './dataset.js';
import { DataError } from './errors.js';

export interface SplitOptions {
  /** Fraction of rows held out for validation, in [0, 1). */
  valid: number;
  seed: number;
}

/**
 * The seeded hold-out of n rows: one permutation of 0..n-1 from Rng(seed); its first
 * round(n·valid) entries are the validation rows, the rest the training rows (both in permuted
 * order, as scikit-learn's ShuffleSplit). valid = 0 holds out nothing (training keeps the
 * file's order).
 */
export function holdOut(
  n: number,
  valid: number,
  seed: number,
): { train: Int32Array; valid: Int32Array | null } {
  if (!(valid >= 0 && valid < 1)) {
    throw new DataError(`valid must be a fraction in [0, 1), got ${valid}`);
  }
  if (valid === 0) return { train: Int32Array.from({ length: n }, (_, i) => i), valid: null };
  const count = Math.round(n * valid);
  if (count === 0) {
    throw new DataError(`valid: ${valid} of ${n} rows rounds to no validation rows`);
  }
  if (count === n) {
    throw new DataError(`valid: ${valid} of ${n} rows leaves no training rows`);
  }
  const order = new Rng(seed).permutation(n);
  return { train: order.subarray(count), valid: order.subarray(0, count) };
}

/** Seeded hold-out split of a Dataset's rows (see holdOut). */
export function splitDataset(
  ds: Dataset,
  options: SplitOptions,
): { train: Dataset; valid: Dataset | null } {
  const parts = holdOut(datasetSize(ds), options.valid, options.seed);
  if (!parts.valid) return { train: ds, valid: null };
  return { train: selectRows(ds, parts.train), valid: selectRows(ds, parts.valid) };
}
