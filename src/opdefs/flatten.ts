import { int } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { flattenShape } from './shape-rules.js';

export default defineOp({
  name: 'flatten',
  family: 'shape',
  doc: 'merges axes start_axis..end_axis into one; the default keeps axis 0 as the batch axis, like nn.Flatten (torch.flatten starts at 0)',
  gradient: 'reshaped back',
  operands: ['input'],
  attrs: {
    start_axis: int(1, 'the first axis merged'),
    end_axis: int(-1, 'the last axis merged'),
  },
  infer: ([x], attrs) => ({ shape: flattenShape(x, attrs), dtype: x.dtype }),
  forward: ({ inputs: [x], out }) => out.set(x),
  backward: ({ grad, grads: [gx] }) => gx?.set(grad),
  saves: [],
  torch: 'torch.flatten(input, start_axis, end_axis)',
  onnx: 'Flatten',
  examples: [
    { name: '[2,3,4,5] default keeps the batch axis', inputs: [randn([2, 3, 4, 5])] },
    { name: '[2,3,4] start_axis 0', inputs: [randn([2, 3, 4])], attrs: { start_axis: 0 } },
    {
      name: '[2,3,4,5] axes 1 to 2',
      inputs: [randn([2, 3, 4, 5])],
      attrs: { start_axis: 1, end_axis: 2 },
    },
    {
      name: '[2,3,4,5] axes -3 to -2',
      inputs: [randn([2, 3, 4, 5])],
      attrs: { start_axis: -3, end_axis: -2 },
    },
  ],
  module: {},
});
