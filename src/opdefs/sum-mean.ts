import { expandTo } from '../kernels/elementwise.js';
import { sumAll, sumAxis } from '../kernels/reduce.js';
import { bool, int } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { axisOf, floatDtype, reduceShape } from './shape-rules.js';
import type { OpDef } from './types.js';

type ReduceAttrs = { axis: number | null; keepdim: boolean };

/** The reduced axis at run time (null: all of them; a scalar's axis 0 is all of it, as torch). */
export interface Reduction {
  axis: number | null;
  /** The input's shape with the reduced axis kept as 1: how a gradient spreads back. */
  kept: number[];
  /** Elements summed into each result element. */
  count: number;
}

export const REDUCE_ATTRS = {
  axis: int(null, 'the axis reduced; all axes when left out (the result is then a scalar)'),
  keepdim: bool(false, 'keep the reduced axis, with length 1'),
};

export function prepareReduction(x: readonly number[], attrs: ReduceAttrs, op: string): Reduction {
  const axis =
    attrs.axis === null || x.length === 0
      ? null
      : axisOf(op, 'axis', attrs.axis, { shape: [...x], dtype: 'float32' });
  return {
    axis,
    kept: axis === null ? x.map(() => 1) : x.map((d, k) => (k === axis ? 1 : d)),
    count: axis === null ? x.reduce((n, d) => n * d, 1) : x[axis],
  };
}

function sumLike(name: 'sum' | 'mean'): OpDef<ReduceAttrs, Reduction> {
  const mean = name === 'mean';
  return defineOp<ReduceAttrs, Reduction>({
    name,
    family: 'reduction',
    doc: mean ? 'the mean over one axis or all of them' : 'the sum over one axis or all of them',
    gradient: mean ? 'g / n spread over the reduced axis' : 'g spread over the reduced axis',
    operands: ['input'],
    attrs: REDUCE_ATTRS,
    options: 'ReduceOptions',
    infer: ([x], attrs, mode) => ({
      shape: reduceShape(name, x, attrs),
      dtype: mean ? floatDtype(name, [x], ['input'], mode) : x.dtype,
    }),
    prepare: ([x], _shape, attrs) => prepareReduction(x, attrs, name),
    forward({ inputs: [x], shapes: [dims], out, prepared: r }) {
      if (r.axis === null) out[0] = sumAll(x);
      else sumAxis(x, dims, r.axis, out);
      if (mean) for (let i = 0; i < out.length; i++) out[i] /= r.count;
    },
    backward({ grad, shapes: [dims], grads: [gx], prepared: r }) {
      if (!gx) return;
      expandTo(grad, r.kept, gx, dims);
      if (mean) for (let i = 0; i < gx.length; i++) gx[i] /= r.count;
    },
    saves: [],
    torch: `torch.${name}(input) if axis is None else torch.${name}(input, axis, keepdim)`,
    onnx: mean ? 'ReduceMean' : 'ReduceSum',
    examples: [
      { name: 'all', inputs: [randn([3, 4, 5])] },
      { name: 'axis 1', inputs: [randn([3, 4, 5])], attrs: { axis: 1 } },
      { name: 'axis -1 keepdim', inputs: [randn([3, 4, 5])], attrs: { axis: -1, keepdim: true } },
      { name: 'axis 0 of [4]', inputs: [randn([4])], attrs: { axis: 0 } },
    ],
  });
}

export const SUM = sumLike('sum');
export const MEAN = sumLike('mean');
