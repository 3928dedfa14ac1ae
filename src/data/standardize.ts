import { DataError } from './errors.js';

/** Per-feature statistics for z-scoring; plain numbers so they can be saved with a checkpoint. */
export interface Standardizer {
  mean: number[];
  std: number[];
}

/**
 * Mean and population standard deviation of each of the d columns of a row-major n×d matrix
 * (computed in float64, two passes). A constant column gets std 1, so it maps to 0, not NaN.
 * Call it on the training rows only.
 */
export function fitStandardizer(features: Float32Array, d: number): Standardizer {
  const n = features.length / d;
  if (!Number.isInteger(n) || n === 0) {
    throw new DataError(
      `cannot standardize ${features.length} values as rows of ${d} features (need at least one full row)`,
    );
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let min = features[j];
    let max = features[j];
    for (let i = 0; i < n; i++) {
      const v = features[i * d + j];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const m = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const e = features[i * d + j] - m;
      sq += e * e;
    }
    const s = Math.sqrt(sq / n);
    mean.push(min === max ? min : m);
    std.push(min === max || s === 0 ? 1 : s);
  }
  return { mean, std };
}

/** (x - mean) / std column by column, into a new array; the input is left as it is. */
export function applyStandardizer(
  features: Float32Array,
  d: number,
  stats: Standardizer,
): Float32Array {
  if (stats.mean.length !== d || stats.std.length !== d) {
    throw new DataError(
      `the standardizer has statistics for ${stats.mean.length} features, the data has ${d}`,
    );
  }
  const out = new Float32Array(features.length);
  for (let k = 0; k < features.length; k++) {
    const j = k % d;
    out[k] = (features[k] - stats.mean[j]) / stats.std[j];
  }
  return out;
}
