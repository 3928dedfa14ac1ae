import { record } from '../autograd/node.js';
import { expandTo } from '../kernels/elementwise.js';
import {
  type Beats,
  extremeAll,
  extremeAxis,
  greater,
  less,
  scatterAxis,
} from '../kernels/extrema.js';
import { sumAll, sumAxis } from '../kernels/reduce.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { floatResult } from '../tensor/dtype.js';
import { formatShape, ValueError } from '../tensor/errors.js';
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

/**
 * The axis to reduce, normalised; undefined for all axes. A scalar's axis 0 (or -1), which
 * torch accepts, is the whole scalar, so it reduces like the full reduction.
 */
function reductionAxis(axis: number | undefined, x: Tensor, op: string): number | undefined {
  if (axis === undefined) return undefined;
  const n = normalizeAxis(axis, x.rank, op);
  return x.rank === 0 ? undefined : n;
}

export function sum(a: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = asTensor(a);
  const axis = reductionAxis(options.axis, x, 'sum');
  const out = empty(reducedShape(x.shape, axis, options.keepdim ?? false), x.dtype);
  if (axis === undefined) out.storage[0] = sumAll(x.storage);
  else sumAxis(x.storage, x.shape, axis, out.storage);
  return record('SumBackward', [x], out, (g) => [expandGrad(g, x.shape, axis)]);
}

export function mean(a: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = asTensor(a);
  const axis = reductionAxis(options.axis, x, 'mean');
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

/**
 * The largest value, over one axis or all of them. With an axis the gradient goes to the FIRST
 * maximal element along it (torch's max(dim) indices); over all axes, tied maxima share it
 * evenly (torch's max() / amax()). NaN counts as the largest value.
 */
export function max(a: TensorLike, options: ReduceOptions = {}): Tensor {
  return extreme('max', 'MaxBackward', greater, a, options);
}

/** The smallest value; ties as max. */
export function min(a: TensorLike, options: ReduceOptions = {}): Tensor {
  return extreme('min', 'MinBackward', less, a, options);
}

function extreme(
  op: string,
  name: string,
  beats: Beats,
  a: TensorLike,
  options: ReduceOptions,
): Tensor {
  const x = asTensor(a);
  const axis = reductionAxis(options.axis, x, op);
  const out = empty(reducedShape(x.shape, axis, options.keepdim ?? false), x.dtype);
  const reducedLength = axis === undefined ? x.size : x.shape[axis];
  if (reducedLength === 0) {
    throw new ValueError(
      `${op}: cannot reduce an empty ${axis === undefined ? 'tensor' : `axis ${options.axis}`} of shape ${formatShape(x.shape)}`,
    );
  }
  if (axis === undefined) {
    const best = extremeAll(x.storage, beats);
    out.storage[0] = best;
    return record(
      name,
      [x],
      out,
      (g) => {
        const isBest = (v: number) => v === best || (Number.isNaN(v) && Number.isNaN(best));
        let count = 0;
        for (let i = 0; i < x.size; i++) if (isBest(x.storage[i])) count++;
        const share = g.storage[0] / count;
        const gx = empty(x.shape, g.dtype);
        for (let i = 0; i < x.size; i++) gx.storage[i] = isBest(x.storage[i]) ? share : 0;
        return [gx];
      },
      [x],
    );
  }
  const at = new Int32Array(out.size);
  extremeAxis(x.storage, x.shape, axis, beats, out.storage, at);
  return record(name, [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    scatterAxis(g.storage, at, x.shape, axis, gx.storage);
    return [gx];
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(options?: ReduceOptions): Tensor;
    mean(options?: ReduceOptions): Tensor;
    max(options?: ReduceOptions): Tensor;
    min(options?: ReduceOptions): Tensor;
  }
}

defineMethods({ sum, mean, max, min });
