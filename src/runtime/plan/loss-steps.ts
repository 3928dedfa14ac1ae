import { classLossGrad, nllForward, pointwiseLossGrad } from '../../kernels/loss.js';
import { axisSplit, sumAll } from '../../kernels/reduce.js';
import { softmaxAxis } from '../../kernels/softmax.js';
import { ValueError } from '../../tensor/errors.js';
import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps, Step } from './types.js';

export const CLASS_LOSSES = ['cross_entropy', 'nll_loss'];
export const POINTWISE_LOSSES = ['mse_loss', 'l1_loss', 'binary_cross_entropy', 'bce_with_logits'];

/** A logistic sigmoid that never overflows (as ops/loss.ts). */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

interface PointwiseLoss {
  f: (x: number, t: number) => number;
  dx: (x: number, t: number) => number;
  dt: (x: number, t: number) => number;
}

/** The same formulas as ops/loss.ts, so the numbers agree. */
const POINTWISE: Record<string, PointwiseLoss> = {
  mse_loss: {
    f: (x, t) => (x - t) * (x - t),
    dx: (x, t) => 2 * (x - t),
    dt: (x, t) => -2 * (x - t),
  },
  l1_loss: {
    f: (x, t) => Math.abs(x - t),
    dx: (x, t) => Math.sign(x - t),
    dt: (x, t) => -Math.sign(x - t),
  },
  binary_cross_entropy: {
    f: (p, t) => (t - 1) * Math.max(Math.log1p(-p), -100) - t * Math.max(Math.log(p), -100),
    dx: (p, t) => (p - t) / Math.max((1 - p) * p, 1e-12),
    dt: (p) => Math.log1p(-p) - Math.log(p),
  },
  bce_with_logits: {
    f: (x, t) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x))),
    dx: (x, t) => sigmoid(x) - t,
    dt: (x) => -x,
  },
};

/** Mean of f(x, t) over the elements; gradients (p − t)-style per element, scaled by g/N. */
export function pointwiseLossSteps(env: NodeEnv): NodeSteps {
  const op = env.node.op;
  const loss = POINTWISE[op];
  const [x, t] = env.inputs as Float32Array[];
  const out = env.out as Float32Array;
  const losses = env.scratch(x.length);
  const scale = 1 / x.length;
  const forward: Step[] = [
    () => {
      if (op === 'binary_cross_entropy') checkProbabilities(x);
      for (let i = 0; i < x.length; i++) losses[i] = loss.f(x[i], t[i]);
      out[0] = sumAll(losses) / losses.length;
    },
  ];
  const g = env.outGrad;
  if (g === null) return { forward, backward: [] };
  const backward: Step[] = [];
  [loss.dx, loss.dt].forEach((d, operand) => {
    const grad = env.inGrads[operand];
    if (grad === null) return;
    const target = gradTarget(grad, env.accumulate[operand], env.scratch);
    backward.push(() => {
      pointwiseLossGrad(x, t, g, scale, true, target.dst, d);
      target.finish();
    });
  });
  return { forward, backward };
}

function checkProbabilities(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const p = x[i];
    if (!(p >= 0 && p <= 1)) {
      throw new ValueError(
        `binary_cross_entropy: input element ${i} = ${p} is not a probability in [0, 1] (for logits use bce_with_logits)`,
      );
    }
  }
}

/**
 * cross_entropy (log_softmax then nll) and nll_loss of int32 class indices, averaged; scores
 * [N, C, ...] or [C], the class axis second (first for a 1-D input).
 */
export function classLossSteps(env: NodeEnv): NodeSteps {
  const op = env.node.op;
  const softmax = op === 'cross_entropy';
  const x = env.inputs[0] as Float32Array;
  const target = env.inputs[1] as Int32Array;
  const out = env.out as Float32Array;
  const xShape = env.inShapes[0];
  const dims = xShape.length === 1 ? [1, xShape[0]] : [...xShape];
  const [outer, classes, inner] = axisSplit(dims, 1);
  const logp = softmax ? env.scratch(x.length) : x;
  const g = env.outGrad;
  const gx = env.inGrads[0];
  if (softmax && inner === 1) {
    return crossEntropyRows(env, x, target, out, logp, classes, g === null ? null : gx);
  }
  const losses = env.scratch(target.length);
  const scale = 1 / target.length;
  const forward: Step[] = [
    () => {
      checkTargets(op, target, classes);
      if (softmax) softmaxAxis(x, dims, 1, logp, true);
      nllForward(logp, outer, classes, inner, target, losses);
      out[0] = sumAll(losses) / losses.length;
    },
  ];
  if (g === null || gx === null) return { forward, backward: [] };
  const t = gradTarget(gx, env.accumulate[0], env.scratch);
  return {
    forward,
    backward: [
      () => {
        classLossGrad(logp, outer, classes, inner, target, g, scale, true, softmax, t.dst);
        t.finish();
      },
    ],
  };
}

/**
 * cross_entropy of logits [N, C] in two loops over rows: softmaxAxis, nllForward, the mean and
 * classLossGrad written out for this layout (one pass each, no per-element callbacks), with
 * their arithmetic and order, so the numbers are the same.
 */
function crossEntropyRows(
  env: NodeEnv,
  x: Float32Array,
  target: Int32Array,
  out: Float32Array,
  logp: Float32Array,
  classes: number,
  gx: Float32Array | null,
): NodeSteps {
  const rows = target.length;
  const forward: Step[] = [
    () => {
      checkTargets('cross_entropy', target, classes);
      let sum = 0;
      for (let o = 0; o < rows; o++) {
        const start = o * classes;
        let max = -Infinity;
        for (let a = 0; a < classes; a++) max = Math.max(max, x[start + a]);
        if (max === -Infinity) max = 0;
        let total = 0;
        for (let a = 0; a < classes; a++) total += Math.exp(x[start + a] - max);
        const logTotal = Math.log(total);
        for (let a = 0; a < classes; a++) logp[start + a] = x[start + a] - max - logTotal;
        sum += -logp[start + target[o]];
      }
      out[0] = sum / rows;
    },
  ];
  const g = env.outGrad;
  if (g === null || gx === null) return { forward, backward: [] };
  const t = gradTarget(gx, env.accumulate[0], env.scratch);
  const dst = t.dst;
  const scale = 1 / rows;
  const backward: Step[] = [
    () => {
      const u = g[0] * scale;
      for (let j = 0; j < dst.length; j++) dst[j] = u * Math.exp(logp[j]);
      for (let o = 0; o < rows; o++) dst[o * classes + target[o]] -= u;
      t.finish();
    },
  ];
  return { forward, backward };
}

function checkTargets(op: string, target: Int32Array, classes: number): void {
  for (let p = 0; p < target.length; p++) {
    const c = target[p];
    if (c < 0 || c >= classes) {
      throw new ValueError(
        `${op}: target element ${p} = ${c} is out of range for ${classes} classes (expected 0..${classes - 1})`,
      );
    }
  }
}
