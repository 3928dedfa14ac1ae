import { record } from '../autograd/node.js';
import { mapBinary } from '../kernels/elementwise.js';
import { classLossGrad, nllForward, pointwiseLossGrad } from '../kernels/loss.js';
import { axisSplit, sumAll } from '../kernels/reduce.js';
import { softmaxAxis } from '../kernels/softmax.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { promote } from '../tensor/dtype.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../tensor/errors.js';
import { sameShape, stridesOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';
import { empty, requireFloat } from './util.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** 'mean' (default) and 'sum' give a scalar of shape []; 'none' the loss of every element. */
  reduction?: Reduction;
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

function checkReduction(op: string, options: LossOptions): Reduction {
  const reduction = options.reduction ?? 'mean';
  if (!REDUCTIONS.includes(reduction)) {
    throw new ValueError(
      `${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`,
    );
  }
  return reduction;
}

/** Reduces per-element losses as asked; returns the result and the gradient scale of the mean. */
function reduceLoss(losses: Tensor, reduction: Reduction): { out: Tensor; scale: number } {
  if (reduction === 'none') return { out: losses, scale: 1 };
  const out = empty([], losses.dtype);
  const total = sumAll(losses.storage);
  out.storage[0] = reduction === 'mean' ? total / losses.size : total;
  return { out, scale: reduction === 'mean' ? 1 / losses.size : 1 };
}

/** `target[1, 2]` (or `target` for a scalar): where an offending value sits. */
function position(name: string, shape: readonly number[], flat: number): string {
  if (shape.length === 0) return name;
  return `${name}[${stridesOf(shape)
    .map((s, d) => Math.floor(flat / s) % shape[d])
    .join(', ')}]`;
}

interface PointwiseLoss {
  /** The loss of one element. */
  f: (x: number, t: number) => number;
  /** ∂f/∂x and ∂f/∂t. */
  dx: (x: number, t: number) => number;
  dt: (x: number, t: number) => number;
}

/**
 * A loss that compares input and target element by element: both float, of one shape (torch
 * broadcasts mse/l1 with a warning; here a mismatch is an error). A float target that requires
 * grad gets its gradient too, as in torch.
 */
function pointwiseLoss(
  name: string,
  op: string,
  a: TensorLike,
  b: TensorLike,
  options: LossOptions,
  loss: PointwiseLoss,
  check?: (x: Tensor) => void,
): Tensor {
  const x = asTensor(a);
  const t = asTensor(b, x);
  const reduction = checkReduction(op, options);
  requireFloat(x, op);
  requireFloat(t, op, 'target');
  if (!sameShape(x.shape, t.shape)) {
    throw new ShapeError(
      `${op}: input ${formatShape(x.shape)} and target ${formatShape(t.shape)} must have the same shape`,
    );
  }
  check?.(x);
  const losses = empty(x.shape, promote(x.dtype, t.dtype));
  mapBinary(x.storage, x.shape, t.storage, t.shape, losses.storage, x.shape, loss.f);
  const { out, scale } = reduceLoss(losses, reduction);
  const reduced = reduction !== 'none';
  const grad = (g: Tensor, of: Tensor, d: PointwiseLoss['dx']) => {
    const result = empty(of.shape, g.dtype);
    pointwiseLossGrad(x.storage, t.storage, g.storage, scale, reduced, result.storage, d);
    return result;
  };
  return record(
    name,
    [x, t],
    out,
    (g) => [
      x.requiresGrad ? grad(g, x, loss.dx) : null,
      t.requiresGrad ? grad(g, t, loss.dt) : null,
    ],
    [x, t],
  );
}

/** Mean squared error (x − t)²; input and target must have the same shape. */
export function mseLoss(input: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  return pointwiseLoss('MseLossBackward', 'mse_loss', input, target, options, {
    f: (x, t) => (x - t) * (x - t),
    dx: (x, t) => 2 * (x - t),
    dt: (x, t) => -2 * (x - t),
  });
}

/** Mean absolute error |x − t|; the gradient is sign(x − t), 0 where x = t (as torch). */
export function l1Loss(input: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  return pointwiseLoss('L1LossBackward', 'l1_loss', input, target, options, {
    f: (x, t) => Math.abs(x - t),
    dx: (x, t) => Math.sign(x - t),
    dt: (x, t) => -Math.sign(x - t),
  });
}

/**
 * −(t·log p + (1 − t)·log(1 − p)) for probabilities p in [0, 1], each log clamped at −100 as
 * torch does (so p = 0 or 1 gives a finite loss); the gradient is (p − t)/max(p(1 − p), 1e-12).
 */
export function binaryCrossEntropy(
  input: TensorLike,
  target: TensorLike,
  options: LossOptions = {},
): Tensor {
  return pointwiseLoss(
    'BinaryCrossEntropyBackward',
    'binary_cross_entropy',
    input,
    target,
    options,
    {
      f: (p, t) => (t - 1) * Math.max(Math.log1p(-p), -100) - t * Math.max(Math.log(p), -100),
      dx: (p, t) => (p - t) / Math.max((1 - p) * p, 1e-12),
      dt: (p) => Math.log1p(-p) - Math.log(p),
    },
    (x) => {
      for (let i = 0; i < x.size; i++) {
        const p = x.storage[i];
        if (!(p >= 0 && p <= 1)) {
          throw new ValueError(
            `binary_cross_entropy: ${position('input', x.shape, i)} = ${p} is not a probability in [0, 1] (for logits use bce_with_logits)`,
          );
        }
      }
    },
  );
}

/** A logistic sigmoid that never overflows: exp of a non-positive number only. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Binary cross-entropy of logits in the stable form max(x, 0) − x·t + log(1 + exp(−|x|)),
 * finite for logits of any magnitude; the gradient is sigmoid(x) − t.
 */
export function bceWithLogits(
  input: TensorLike,
  target: TensorLike,
  options: LossOptions = {},
): Tensor {
  return pointwiseLoss(
    'BinaryCrossEntropyWithLogitsBackward',
    'bce_with_logits',
    input,
    target,
    options,
    {
      f: (x, t) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x))),
      dx: (x, t) => sigmoid(x) - t,
      dt: (x) => -x,
    },
  );
}

/** How a class-index loss lays out its scores: (outer, classes, inner) around the class axis. */
interface ClassLayout {
  outer: number;
  classes: number;
  inner: number;
  dims: number[];
}

/**
 * Checks scores [C] with a scalar target, or [N, C, d1, ...] with target [N, d1, ...] of int32
 * class indices in 0..C-1 (torch's layouts for cross_entropy and nll_loss).
 */
function classLayout(op: string, scores: Tensor, target: Tensor, what: string): ClassLayout {
  requireFloat(scores, op, what);
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: target must be int32 class indices, got ${target.dtype}`);
  }
  if (scores.rank === 0) {
    throw new ShapeError(`${op}: ${what} must have a class axis, got a scalar`);
  }
  const expected = scores.rank === 1 ? [] : [scores.shape[0], ...scores.shape.slice(2)];
  if (!sameShape(target.shape, expected)) {
    throw new ShapeError(
      `${op}: ${what} ${formatShape(scores.shape)} and target ${formatShape(target.shape)} do not fit (expected target shape ${formatShape(expected)})`,
    );
  }
  const dims = scores.rank === 1 ? [1, scores.shape[0]] : [...scores.shape];
  const [outer, classes, inner] = axisSplit(dims, 1);
  for (let p = 0; p < target.size; p++) {
    const c = target.storage[p];
    if (c < 0 || c >= classes) {
      throw new ValueError(
        `${op}: ${position('target', target.shape, p)} = ${c} is out of range for ${classes} classes (expected 0..${classes - 1})`,
      );
    }
  }
  return { outer, classes, inner, dims };
}

/** A class-index loss from log-probabilities `logp` (the scores themselves for nll_loss). */
function classLoss(
  name: string,
  op: string,
  scores: Tensor,
  target: Tensor,
  logp: Tensor,
  layout: ClassLayout,
  options: LossOptions,
  softmax: boolean,
): Tensor {
  const reduction = checkReduction(op, options);
  const { outer, classes, inner } = layout;
  const losses = empty(target.shape, scores.dtype);
  nllForward(logp.storage, outer, classes, inner, target.storage, losses.storage);
  const { out, scale } = reduceLoss(losses, reduction);
  const reduced = reduction !== 'none';
  return record(
    name,
    [scores],
    out,
    (g) => {
      const gs = empty(scores.shape, g.dtype);
      classLossGrad(
        logp.storage,
        outer,
        classes,
        inner,
        target.storage,
        g.storage,
        scale,
        reduced,
        softmax,
        gs.storage,
      );
      return [gs];
    },
    [target],
  );
}

/**
 * −log_softmax(logits)[target], averaged over the targets by default: logits [N, C] with int32
 * target [N] (or [C] with a scalar target; or [N, C, d1, ...] with [N, d1, ...]). The
 * log_softmax is computed stably, so logits of magnitude 1000 are fine.
 */
export function crossEntropy(
  logits: TensorLike,
  target: TensorLike,
  options: LossOptions = {},
): Tensor {
  const x = asTensor(logits);
  const t = asTensor(target);
  const layout = classLayout('cross_entropy', x, t, 'logits');
  const logp = empty(x.shape, x.dtype);
  softmaxAxis(x.storage, layout.dims, 1, logp.storage, true);
  return classLoss('CrossEntropyBackward', 'cross_entropy', x, t, logp, layout, options, true);
}

/** −logProbs[target] (the input is log-probabilities, e.g. from log_softmax); layouts as crossEntropy. */
export function nllLoss(
  logProbs: TensorLike,
  target: TensorLike,
  options: LossOptions = {},
): Tensor {
  const x = asTensor(logProbs);
  const t = asTensor(target);
  const layout = classLayout('nll_loss', x, t, 'input');
  return classLoss('NllLossBackward', 'nll_loss', x, t, x, layout, options, false);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    mseLoss(target: TensorLike, options?: LossOptions): Tensor;
    l1Loss(target: TensorLike, options?: LossOptions): Tensor;
    crossEntropy(target: TensorLike, options?: LossOptions): Tensor;
    nllLoss(target: TensorLike, options?: LossOptions): Tensor;
    binaryCrossEntropy(target: TensorLike, options?: LossOptions): Tensor;
    bceWithLogits(target: TensorLike, options?: LossOptions): Tensor;
  }
}

defineMethods({ mseLoss, l1Loss, crossEntropy, nllLoss, binaryCrossEntropy, bceWithLogits });
