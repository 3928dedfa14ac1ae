import {
  type Beats,
  extremeAll,
  extremeAxis,
  greater,
  less,
  scatterAxis,
} from '../kernels/extrema.js';
import { defineOp } from './define.js';
import { formatShape } from './dims.js';
import { randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { reduceShape } from './shape-rules.js';
import { prepareReduction, REDUCE_ATTRS, type Reduction } from './sum-mean.js';
import type { OpDef } from './types.js';

type ReduceAttrs = { axis: number | null; keepdim: boolean };

/**
 * max / min over one axis or all. With an axis the gradient goes to the FIRST extreme element
 * along it (torch's max(dim) indices); over all axes, tied extremes share it evenly (torch's
 * max() / amax()). NaN counts as the extreme, as torch propagates it.
 */
function extreme(name: 'max' | 'min', beats: Beats): OpDef<ReduceAttrs, Reduction> {
  return defineOp<ReduceAttrs, Reduction>({
    name,
    family: 'reduction',
    doc: `the ${name === 'max' ? 'largest' : 'smallest'} value over one axis or all of them`,
    gradient: 'g to the first extreme along the axis; shared by tied extremes over all axes',
    operands: ['input'],
    attrs: REDUCE_ATTRS,
    options: 'ReduceOptions',
    infer([x], attrs) {
      const shape = reduceShape(name, x, attrs);
      const length =
        attrs.axis === null || x.shape.length === 0
          ? x.shape.reduce<number | string>(
              (n, d) => (typeof n === 'number' && typeof d === 'number' ? n * d : 'n'),
              1,
            )
          : x.shape[attrs.axis < 0 ? attrs.axis + x.shape.length : attrs.axis];
      if (length === 0) {
        throw new ShapeIssue(
          CODES.axis,
          `${name}: cannot reduce an empty ${attrs.axis === null ? 'tensor' : `axis ${attrs.axis}`} of shape ${formatShape(x.shape)}`,
          0,
          true,
        );
      }
      return { shape, dtype: x.dtype };
    },
    prepare: ([x], _shape, attrs) => prepareReduction(x, attrs, name),
    forward(call) {
      const {
        inputs: [x],
        shapes: [dims],
        out,
        prepared: r,
      } = call;
      if (r.axis === null) out[0] = extremeAll(x, beats);
      else
        extremeAxis(
          x,
          dims,
          r.axis,
          beats,
          out,
          call.scratch('at', out.length, 'int32') as Int32Array,
        );
    },
    backward(call) {
      const {
        inputs: [x],
        shapes: [dims],
        grad,
        grads: [gx],
        out,
        prepared: r,
      } = call;
      if (!gx) return;
      if (r.axis !== null) {
        scatterAxis(grad, call.scratch('at', out.length, 'int32') as Int32Array, dims, r.axis, gx);
        return;
      }
      const best = out[0];
      const isBest = (v: number) => v === best || (Number.isNaN(v) && Number.isNaN(best));
      let count = 0;
      for (let i = 0; i < x.length; i++) if (isBest(x[i])) count++;
      const share = grad[0] / count;
      for (let i = 0; i < x.length; i++) gx[i] = isBest(x[i]) ? share : 0;
    },
    saves: [0, 'out'],
    torch: `torch.a${name}(input) if axis is None else torch.a${name}(input, axis, keepdim)`,
    onnx: name === 'max' ? 'ReduceMax' : 'ReduceMin',
    examples: [
      { name: 'all', inputs: [randn([3, 4, 5])] },
      { name: 'axis 1', inputs: [randn([3, 4, 5])], attrs: { axis: 1 } },
      { name: 'axis -1 keepdim', inputs: [randn([3, 4, 5])], attrs: { axis: -1, keepdim: true } },
      { name: 'axis 0 of [4,2]', inputs: [randn([4, 2])], attrs: { axis: 0 } },
    ],
  });
}

export const MAX = extreme('max', greater);
export const MIN = extreme('min', less);
