import { record } from '../autograd/node.js';
import { expandTo } from '../kernels/elementwise.js';
import { sumAll, sumAxis } from '../kernels/reduce.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { floatResult } from '../tensor/dtype.js';
import { normalizeAxis, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';
import { empty } from './util.js';

export interface ReduceOptions {
  /** The axis to reduce; all axes when left out (the result is then a scalar of shape []). */
  axis?: number;
  keepdim?: boolean;
}

/** The result shape of reducing `shape` over `axis` (undefined: all axes). */
export function reducedShape(shape: Shape, axis: number | undefined, keepdim: boolean): number[] {
  if (axis === undefined) return keepdim ? shape.map(() => 1) : [];
  return keepdim ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

/** The output gradient spread back over the reduced axis, at the input's shape. */
export function expandGrad(g: Tensor, inputShape: Shape, axis: number | undefined): Tensor {
  const kept = reducedShape(inputShape, axis, true);
  const out = empty(inputShape, g.dtype);
  expandTo(g.storage, kept, out.storage, inputShape);
  return out;
}

export function sum(a: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = asTensor(a);
  const axis = options.axis === undefined ? undefined : normalizeAxis(options.axis, x.rank, 'sum');
  const out = empty(reducedShape(x.shape, axis, options.keepdim ?? false), x.dtype);
  if (axis === undefined) out.storage[0] = sumAll(x.storage);
  else sumAxis(x.storage, x.shape, axis, out.storage);
  return record('SumBackward', [x], out, (g) => [expandGrad(g, x.shape, axis)]);
}

export function mean(a: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = asTensor(a);
  const axis = options.axis === undefined ? undefined : normalizeAxis(options.axis, x.rank, 'mean');
  const count = axis === undefined ? x.size : x.shape[axis];
  const out = empty(reducedShape(x.shape, axis, options.keepdim ?? false), floatResult(x.dtype));
  if (axis === undefined) out.storage[0] = sumAll(x.storage);
  else sumAxis(x.storage, x.shape, axis, out.storage);
  for (let i = 0; i < out.size; i++) out.storage[i] /= count;
  return record('MeanBackward', [x], out, (g) => {
    const spread = expandGrad(g, x.shape, axis);
    for (let i = 0; i < spread.size; i++) spread.storage[i] /= count;
    return [spread];
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(options?: ReduceOptions): Tensor;
    mean(options?: ReduceOptions): Tensor;
  }
}

defineMethods({ sum, mean });
