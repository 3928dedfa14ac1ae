import { logSoftmaxBackward, softmaxAxis, softmaxBackward } from '../kernels/softmax.js';
import { int } from './attrs.js';
import { exact, randn } from './examples.js';

const BIG = [1000, -1000, 0, 999, -1000, -1000, -999.5, -1000, 500, 1000, -3, 1];

import { defineOp } from './define.js';
import { axisOf, floatDtype } from './shape-rules.js';
import type { OpDef } from './types.js';

type SoftmaxAttrs = { axis: number };
/** A scalar is softmaxed as a one-element vector (torch allows dim 0 / -1 on 0-d tensors). */
type SoftmaxLayout = { dims: number[]; axis: number };

function softmaxLike(name: 'softmax' | 'log_softmax'): OpDef<SoftmaxAttrs, SoftmaxLayout> {
  const log = name === 'log_softmax';
  return defineOp<SoftmaxAttrs, SoftmaxLayout>({
    name,
    family: 'probability',
    doc: log
      ? 'x − log Σ exp(x) along an axis; finite for inputs of any finite magnitude'
      : 'exp(x) / Σ exp(x) along an axis, computed with the slice maximum subtracted',
    gradient: log ? 'g − softmax(x)·Σg' : 's·(g − Σ g·s), s the result',
    operands: ['input'],
    options: 'SoftmaxOptions',
    attrs: { axis: int(-1, 'the axis that sums to 1 (the last by default)') },
    infer([x], attrs, mode) {
      axisOf(name, 'axis', attrs.axis, x);
      return { shape: [...x.shape], dtype: floatDtype(name, [x], ['input'], mode) };
    },
    prepare([x], _shape, attrs) {
      const dims = x.length === 0 ? [1] : [...x];
      return { dims, axis: axisOf(name, 'axis', attrs.axis, { shape: dims, dtype: 'float32' }) };
    },
    forward: ({ inputs: [x], out, prepared: p }) => softmaxAxis(x, p.dims, p.axis, out, log),
    backward({ grad, out, grads: [gx], prepared: p }) {
      if (gx) (log ? logSoftmaxBackward : softmaxBackward)(grad, out, p.dims, p.axis, gx);
    },
    saves: ['out'],
    torch: `F.${name}(input, axis)`,
    onnx: log ? 'LogSoftmax' : 'Softmax',
    examples: [
      { name: 'default axis is the last', inputs: [randn([2, 3, 4])] },
      { name: 'axis 0', inputs: [randn([3, 5], 2)], attrs: { axis: 0 } },
      { name: '[2,3,4] axis 1', inputs: [randn([2, 3, 4])], attrs: { axis: 1 } },
      { name: 'magnitude 1000, axis -1', inputs: [exact([3, 4], BIG)] },
      { name: 'magnitude 1000, axis 0', inputs: [exact([3, 4], BIG)], attrs: { axis: 0 } },
    ],
    module: {},
  });
}

export const SOFTMAX = softmaxLike('softmax');
export const LOG_SOFTMAX = softmaxLike('log_softmax');
