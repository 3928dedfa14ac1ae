import { type Beats, extremeAllAt, extremeAxis, greater, less } from '../kernels/extrema.js';
import { defineOp } from './define.js';
import { formatShape } from './dims.js';
import { constant, exact, randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { reduceShape } from './shape-rules.js';
import { prepareReduction, REDUCE_ATTRS, type Reduction } from './sum-mean.js';
import type { OpDef } from './types.js';

type ReduceAttrs = { axis: number | null; keepdim: boolean };

/**
 * argmax / argmin: the position of the FIRST extreme element along an axis, or in the
 * flattened input without one (torch's documented choice among ties); NaN counts as the
 * extreme, as in max. int32 indices, and no gradient (indices are not differentiable).
 */
function argExtreme(name: 'argmax' | 'argmin', beats: Beats): OpDef<ReduceAttrs, Reduction> {
  const word = name === 'argmax' ? 'largest' : 'smallest';
  return defineOp<ReduceAttrs, Reduction>({
    name,
    family: 'reduction',
    doc: `the int32 index of the first ${word} value along an axis, or in the flattened input`,
    operands: ['input'],
    attrs: REDUCE_ATTRS,
    options: 'ReduceOptions',
    infer([x], attrs) {
      const shape = reduceShape(name, x, attrs);
      const axis =
        attrs.axis === null ? null : attrs.axis < 0 ? attrs.axis + x.shape.length : attrs.axis;
      const length =
        axis === null || x.shape.length === 0
          ? x.shape.reduce<number | string>(
              (n, d) => (typeof n === 'number' && typeof d === 'number' ? n * d : 'n'),
              1,
            )
          : x.shape[axis];
      if (length === 0) {
        throw new ShapeIssue(
          CODES.axis,
          `${name}: an empty ${axis === null ? 'tensor' : `axis ${attrs.axis}`} of shape ${formatShape(x.shape)} has no ${word} value`,
          0,
          true,
        );
      }
      return { shape, dtype: 'int32' };
    },
    prepare: ([x], _shape, attrs) => prepareReduction(x, attrs, name),
    forward(call) {
      const {
        inputs: [x],
        shapes: [dims],
        out,
        prepared: r,
      } = call;
      if (r.axis === null) {
        out[0] = extremeAllAt(x, beats);
        return;
      }
      const values = call.scratch('values', out.length, 'float64');
      extremeAxis(x, dims, r.axis, beats, values, out as Int32Array);
    },
    saves: [],
    torch: `torch.${name}(input, axis, keepdim)`,
    onnx: name === 'argmax' ? 'ArgMax' : 'ArgMin',
    examples: [
      { name: 'all', inputs: [constant(randn([3, 4, 5]))] },
      { name: 'axis 1', inputs: [constant(randn([3, 4, 5]))], attrs: { axis: 1 } },
      {
        name: 'axis -1 keepdim',
        inputs: [constant(randn([3, 4, 5]))],
        attrs: { axis: -1, keepdim: true },
      },
      { name: 'all keepdim', inputs: [constant(randn([2, 3]))], attrs: { keepdim: true } },
      {
        name: 'ties: the first one',
        inputs: [constant(exact([2, 4], [1, 3, 3, -2, 5, 5, -7, -7]))],
        attrs: { axis: 1 },
      },
    ],
  });
}

export const ARGMAX = argExtreme('argmax', greater);
export const ARGMIN = argExtreme('argmin', less);
