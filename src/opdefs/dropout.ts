import { float } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { floatDtype } from './shape-rules.js';

/**
 * Inverted dropout, as torch: each element is zeroed with probability p and the kept ones are
 * scaled by 1/(1 − p), so the expected value is unchanged. Element i is kept when the i-th
 * uniform draw is ≥ p. In eval mode (or with p = 0) the result is the input; p = 1 gives zeros.
 */
export default defineOp<{ p: number }>({
  name: 'dropout',
  family: 'regularisation',
  doc: 'zeroes each element with probability p and scales the rest by 1/(1 − p) while training; the identity in eval mode',
  gradient: 'g through the same mask and scale',
  operands: ['input'],
  attrs: { p: float(0.5, 'the probability of zeroing an element', { min: 0, max: 1 }) },
  infer: ([x], _attrs, mode) => ({
    shape: [...x.shape],
    dtype: floatDtype('dropout', [x], ['input'], mode),
  }),
  uses: ['training', 'rng'],
  passesThrough: ({ p }, context) => !context.training || p === 0,
  forward(call) {
    const {
      inputs: [x],
      out,
      attrs: { p },
      context,
    } = call;
    const mask = call.scratch('mask', out.length);
    if (!context.training || p === 0) {
      mask.fill(1);
      out.set(x);
      return;
    }
    const scale = p === 1 ? 0 : 1 / (1 - p);
    const rng = context.rng;
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() >= p ? scale : 0;
    for (let i = 0; i < out.length; i++) out[i] = x[i] * mask[i];
  },
  backward(call) {
    const gx = call.grads[0];
    if (!gx) return;
    const mask = call.scratch('mask', gx.length);
    for (let i = 0; i < gx.length; i++) gx[i] = call.grad[i] * mask[i];
  },
  saves: [],
  torch: 'F.dropout(input, p, training)',
  onnx: 'Dropout',
  examples: [
    { name: 'p = 0 while training is the identity', inputs: [randn([4, 5])], attrs: { p: 0 } },
    { name: 'eval mode is the identity', inputs: [randn([4, 5])], training: false },
  ],
  module: {},
});
