import { record } from '../autograd/node.js';
import { logSoftmaxBackward, softmaxAxis, softmaxBackward } from '../kernels/softmax.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { floatResult } from '../tensor/dtype.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';
import { empty } from './util.js';

export interface SoftmaxOptions {
  /** The axis that sums to 1 (default -1, the last). */
  axis?: number;
}

/** A scalar is softmaxed as a one-element vector (torch allows dim 0 / -1 on 0-d tensors). */
function plan(x: Tensor, axis: number, op: string): { dims: number[]; axis: number } {
  const a = normalizeAxis(axis, x.rank, op);
  return { dims: x.rank === 0 ? [1] : [...x.shape], axis: a };
}

/** exp(x) / Σ exp(x) along `axis`, computed with the slice maximum subtracted. */
export function softmax(a: TensorLike, options: SoftmaxOptions = {}): Tensor {
  const x = asTensor(a);
  const { dims, axis } = plan(x, options.axis ?? -1, 'softmax');
  const out = empty(x.shape, floatResult(x.dtype));
  softmaxAxis(x.storage, dims, axis, out.storage, false);
  return record(
    'SoftmaxBackward',
    [x],
    out,
    (g) => {
      const gx = empty(x.shape, g.dtype);
      softmaxBackward(g.storage, out.storage, dims, axis, gx.storage);
      return [gx];
    },
    [out],
  );
}

/** x − log Σ exp(x) along `axis`; finite for inputs of any finite magnitude. */
export function logSoftmax(a: TensorLike, options: SoftmaxOptions = {}): Tensor {
  const x = asTensor(a);
  const { dims, axis } = plan(x, options.axis ?? -1, 'log_softmax');
  const out = empty(x.shape, floatResult(x.dtype));
  softmaxAxis(x.storage, dims, axis, out.storage, true);
  return record(
    'LogSoftmaxBackward',
    [x],
    out,
    (g) => {
      const gx = empty(x.shape, g.dtype);
      logSoftmaxBackward(g.storage, out.storage, dims, axis, gx.storage);
      return [gx];
    },
    [out],
  );
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    softmax(options?: SoftmaxOptions): Tensor;
    logSoftmax(options?: SoftmaxOptions): Tensor;
  }
}

defineMethods({ softmax, logSoftmax });
