import { int } from './attrs.js';
import { defineOp } from './define.js';
import { flattenShape } from './shape-rules.js';

export default defineOp({
  name: 'flatten',
  family: 'shape',
  doc: 'merges axes start_axis..end_axis into one; the default keeps axis 0 as the batch axis, like nn.Flatten (torch.flatten starts at 0)',
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
  module: {},
});
