import { axisSplit } from './reduce.js';
import type { Dims, NumArray } from './types.js';

/**
 * softmax (or log_softmax with `log`) of `src` along `axis`. The maximum of each slice is
 * subtracted before exp, so every exponent is <= 0: finite for any finite input.
 */
export function softmaxAxis(
  src: NumArray,
  dims: Dims,
  axis: number,
  out: NumArray,
  log: boolean,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      let max = -Infinity;
      for (let a = 0; a < length; a++) max = Math.max(max, src[start + a * inner]);
      if (max === -Infinity) max = 0;
      let total = 0;
      for (let a = 0; a < length; a++) total += Math.exp(src[start + a * inner] - max);
      const logTotal = Math.log(total);
      for (let a = 0; a < length; a++) {
        const j = start + a * inner;
        out[j] = log ? src[j] - max - logTotal : Math.exp(src[j] - max) / total;
      }
    }
  }
}

/** Gradient of softmax: out = s·(g − Σ g·s) along `axis`, `s` the softmax output. */
export function softmaxBackward(
  g: NumArray,
  s: NumArray,
  dims: Dims,
  axis: number,
  out: NumArray,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      let dot = 0;
      for (let a = 0; a < length; a++) dot += g[start + a * inner] * s[start + a * inner];
      for (let a = 0; a < length; a++) {
        const j = start + a * inner;
        out[j] = s[j] * (g[j] - dot);
      }
    }
  }
}

/** Gradient of log_softmax: out = g − exp(y)·Σ g along `axis`, `y` the log_softmax output. */
export function logSoftmaxBackward(
  g: NumArray,
  y: NumArray,
  dims: Dims,
  axis: number,
  out: NumArray,
): void {
  const [outer, length, inner] = axisSplit(dims, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      let total = 0;
      for (let a = 0; a < length; a++) total += g[start + a * inner];
      for (let a = 0; a < length; a++) {
        const j = start + a * inner;
        out[j] = g[j] - Math.exp(y[j]) * total;
      }
    }
  }
}
