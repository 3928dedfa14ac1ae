import { Rng } from '../tensor/rng.js';
import { type Dataset, datasetSize, selectRows } from './dataset.js';
import { DataError } from './errors.js';

export interface SplitOptions {
  /** Fraction of rows held out for validation, in [0, 1). */
  valid: number;
  seed: number;
}

/**
 * Seeded hold-out split: one permutation of the rows from Rng(seed); the first
 * round(n·valid) rows of it are the validation set, the rest the training set (both in
 * permuted order, as scikit-learn's ShuffleSplit). valid = 0 gives no validation set.
 */
export function splitDataset(
  ds: Dataset,
  options: SplitOptions,
): { train: Dataset; valid: Dataset | null } {
  const { valid, seed } = options;
  const n = datasetSize(ds);
  if (!(valid >= 0 && valid < 1)) {
    throw new DataError(`valid must be a fraction in [0, 1), got ${valid}`);
  }
  if (valid === 0) return { train: ds, valid: null };
  const count = Math.round(n * valid);
  if (count === 0) {
    throw new DataError(`valid: ${valid} of ${n} rows rounds to no validation rows`);
  }
  if (count === n) {
    throw new DataError(`valid: ${valid} of ${n} rows leaves no training rows`);
  }
  const order = new Rng(seed).permutation(n);
  return {
    train: selectRows(ds, order.subarray(count)),
    valid: selectRows(ds, order.subarray(0, count)),
  };
}
