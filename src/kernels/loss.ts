import type { NumArray } from './types.js';

/**
 * The upstream gradient of element i of a loss: g[i] when the loss was not reduced, g[0]·scale
 * (scale 1/N for a mean, 1 for a sum) when it was.
 */
function upstream(g: NumArray, scale: number, reduced: boolean): (i: number) => number {
  if (!reduced) return (i) => g[i];
  const v = g[0] * scale;
  return () => v;
}

/** out[i] = upstream(i) · d(x[i], t[i]): the gradient of an elementwise loss for one operand. */
export function pointwiseLossGrad(
  x: NumArray,
  t: NumArray,
  g: NumArray,
  scale: number,
  reduced: boolean,
  out: NumArray,
  d: (x: number, t: number) => number,
): void {
  const up = upstream(g, scale, reduced);
  for (let i = 0; i < out.length; i++) out[i] = up(i) * d(x[i], t[i]);
}

/**
 * Negative log-likelihood of class indices: out[o·inner + i] = −logp[o, target[o·inner + i], i],
 * for logp laid out as (outer, classes, inner). Targets are in range (checked by the op).
 */
export function nllForward(
  logp: NumArray,
  outer: number,
  classes: number,
  inner: number,
  target: NumArray,
  out: NumArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const p = o * inner + i;
      out[p] = -logp[(o * classes + target[p]) * inner + i];
    }
  }
}

/**
 * Gradient of nll_loss (softmax = false): −upstream at each target class, 0 elsewhere; of
 * cross_entropy (softmax = true, `logp` its log_softmax): upstream·(exp(logp) − onehot).
 */
export function classLossGrad(
  logp: NumArray,
  outer: number,
  classes: number,
  inner: number,
  target: NumArray,
  g: NumArray,
  scale: number,
  reduced: boolean,
  softmax: boolean,
  out: NumArray,
): void {
  const up = upstream(g, scale, reduced);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const p = o * inner + i;
      const u = up(p);
      for (let c = 0; c < classes; c++) {
        const j = (o * classes + c) * inner + i;
        out[j] = softmax ? u * Math.exp(logp[j]) : 0;
      }
      out[(o * classes + target[p]) * inner + i] -= u;
    }
  }
}
