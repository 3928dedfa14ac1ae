import { ints } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { reshapeShape } from './shape-rules.js';

export default defineOp({
  name: 'reshape',
  family: 'shape',
  doc: 'the same elements in a new shape; one dim may be -1 (inferred), and symbols such as batch may appear',
  gradient: 'reshaped back',
  operands: ['input'],
  attrs: { shape: ints(undefined, 'the new shape', { symbolic: true }) },
  infer: ([x], attrs) => ({ shape: reshapeShape(x, attrs), dtype: x.dtype }),
  // The same numbers in row-major order: forward and backward are copies.
  forward: ({ inputs: [x], out }) => out.set(x),
  backward: ({ grad, grads: [gx] }) => gx?.set(grad),
  saves: [],
  torch: 'torch.reshape(input, shape)',
  onnx: 'Reshape',
  examples: [
    { name: '[2,3,4] to [-1,6]', inputs: [randn([2, 3, 4])], attrs: { shape: [-1, 6] } },
    { name: '[2,6] to [3,2,2]', inputs: [randn([2, 6])], attrs: { shape: [3, 2, 2] } },
    { name: '[1,1] to []', inputs: [randn([1, 1])], attrs: { shape: [] } },
  ],
});
