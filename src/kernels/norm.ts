import type { NumArray } from './types.js';

// Normalisation: batch norm over (N, C, inner) per channel C, layer norm per row of
// (rows, cols). Each direction is one kernel: statistics are gathered in one read of the input
// (sums shifted by the group's first element, in float64, so a large common offset does not
// cancel the variance away), then one pass writes the result. The per-group mean and 1/σ are
// kept (float64) for the backward pass, which reads g and x once for its two sums and once more
// to write the input's gradient.

/**
 * mean and biased variance of `count` elements of x, `stride` apart in blocks: element j of
 * block b sits at start + b·blockStride + j (one batch-norm channel, or one layer-norm row).
 */
function moments(
  x: NumArray,
  start: number,
  blocks: number,
  blockStride: number,
  length: number,
): [number, number] {
  const shift = x[start];
  let sum = 0;
  let squares = 0;
  for (let b = 0; b < blocks; b++) {
    const base = start + b * blockStride;
    for (let j = 0; j < length; j++) {
      const d = x[base + j] - shift;
      sum += d;
      squares += d * d;
    }
  }
  const count = blocks * length;
  const mean = sum / count;
  return [shift + mean, Math.max(0, squares / count - mean * mean)];
}

export interface BatchNormLayout {
  n: number;
  channels: number;
  inner: number;
}

/**
 * Batch statistics per channel of x [n, channels, inner] into mean and invstd (1/√(var + eps),
 * var biased); returns nothing. `variance`, when given, receives the biased variances.
 */
export function batchNormStatistics(
  x: NumArray,
  { n, channels, inner }: BatchNormLayout,
  eps: number,
  mean: Float64Array,
  invstd: Float64Array,
  variance: Float64Array,
): void {
  for (let c = 0; c < channels; c++) {
    const [m, v] = moments(x, c * inner, n, channels * inner, inner);
    mean[c] = m;
    variance[c] = v;
    invstd[c] = 1 / Math.sqrt(v + eps);
  }
}

/**
 * The running statistics' update of nn.BatchNorm: old·(1 − momentum) + batch·momentum, the
 * variance made unbiased (· count/(count − 1), count the values per channel).
 */
export function updateRunningStatistics(
  runningMean: NumArray,
  runningVar: NumArray,
  mean: Float64Array,
  variance: Float64Array,
  momentum: number,
  count: number,
): void {
  const unbiased = count / (count - 1);
  for (let c = 0; c < mean.length; c++) {
    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
    runningVar[c] = (1 - momentum) * runningVar[c] + momentum * variance[c] * unbiased;
  }
}

/** out = (x − mean)·invstd·weight + bias per channel; weight and bias may be absent. */
export function batchNormApply(
  x: NumArray,
  { n, channels, inner }: BatchNormLayout,
  mean: Float64Array,
  invstd: Float64Array,
  weight: NumArray | undefined,
  bias: NumArray | undefined,
  out: NumArray,
): void {
  for (let c = 0; c < channels; c++) {
    const scale = invstd[c] * (weight ? weight[c] : 1);
    const shift = (bias ? bias[c] : 0) - mean[c] * scale;
    for (let b = 0; b < n; b++) {
      const base = (b * channels + c) * inner;
      for (let j = 0; j < inner; j++) out[base + j] = x[base + j] * scale + shift;
    }
  }
}

/**
 * Backward of batchNormApply with the statistics of the batch (`training`) or fixed ones.
 * Training: gx = w·invstd·(g − Σg/M − x̂·Σ(g·x̂)/M), M = n·inner; fixed: gx = g·w·invstd.
 * gw = Σ g·x̂, gb = Σ g per channel. Each gradient may be absent (null).
 */
export function batchNormBackward(
  g: NumArray,
  x: NumArray,
  { n, channels, inner }: BatchNormLayout,
  mean: Float64Array,
  invstd: Float64Array,
  weight: NumArray | undefined,
  training: boolean,
  gx: NumArray | null,
  gw: NumArray | null,
  gb: NumArray | null,
): void {
  const count = n * inner;
  for (let c = 0; c < channels; c++) {
    const m = mean[c];
    const s = invstd[c];
    let sumG = 0;
    let sumGX = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * channels + c) * inner;
      for (let j = 0; j < inner; j++) {
        const gi = g[base + j];
        sumG += gi;
        sumGX += gi * (x[base + j] - m) * s;
      }
    }
    if (gw) gw[c] = sumGX;
    if (gb) gb[c] = sumG;
    if (!gx) continue;
    const scale = s * (weight ? weight[c] : 1);
    const meanG = training ? sumG / count : 0;
    const meanGX = training ? sumGX / count : 0;
    for (let b = 0; b < n; b++) {
      const base = (b * channels + c) * inner;
      for (let j = 0; j < inner; j++) {
        const xhat = (x[base + j] - m) * s;
        gx[base + j] = scale * (g[base + j] - meanG - xhat * meanGX);
      }
    }
  }
}

/**
 * Layer norm of each row of x [rows, cols]: out = (x − mean)·invstd·weight + bias, weight and
 * bias [cols] (either may be absent); the rows' mean and invstd are kept.
 */
export function layerNormForward(
  x: NumArray,
  rows: number,
  cols: number,
  eps: number,
  weight: NumArray | undefined,
  bias: NumArray | undefined,
  mean: Float64Array,
  invstd: Float64Array,
  out: NumArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const [m, v] = moments(x, base, 1, 0, cols);
    const s = 1 / Math.sqrt(v + eps);
    mean[r] = m;
    invstd[r] = s;
    for (let j = 0; j < cols; j++) {
      const y = (x[base + j] - m) * s;
      out[base + j] = (weight ? y * weight[j] : y) + (bias ? bias[j] : 0);
    }
  }
}

/**
 * Backward of layerNormForward: with ĝ = g·w, gx = invstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row;
 * gw = Σ_rows g·x̂, gb = Σ_rows g, summed in `sums` (float64, 2·cols) before they are stored.
 * Each gradient may be absent (null).
 */
export function layerNormBackward(
  g: NumArray,
  x: NumArray,
  rows: number,
  cols: number,
  weight: NumArray | undefined,
  mean: Float64Array,
  invstd: Float64Array,
  sums: Float64Array,
  gx: NumArray | null,
  gw: NumArray | null,
  gb: NumArray | null,
): void {
  const accumulate = gw !== null || gb !== null;
  if (accumulate) sums.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const m = mean[r];
    const s = invstd[r];
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[base + j] - m) * s;
      const gj = g[base + j];
      const gh = weight ? gj * weight[j] : gj;
      sumG += gh;
      sumGX += gh * xhat;
      if (accumulate) {
        sums[j] += gj * xhat;
        sums[cols + j] += gj;
      }
    }
    if (!gx) continue;
    const meanG = sumG / cols;
    const meanGX = sumGX / cols;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[base + j] - m) * s;
      const gh = weight ? g[base + j] * weight[j] : g[base + j];
      gx[base + j] = s * (gh - meanG - xhat * meanGX);
    }
  }
  for (let j = 0; j < cols; j++) {
    if (gw) gw[j] = sums[j];
    if (gb) gb[j] = sums[cols + j];
  }
}
