import { swapAxes } from '../kernels/layout.js';
import { int } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { axisOf, transposeShape } from './shape-rules.js';

export default defineOp<{ axis0: number; axis1: number }, [number, number]>({
  name: 'transpose',
  family: 'linear algebra',
  doc: 'swaps two axes (the last two by default) into new contiguous storage; `.T` is the 2-D case',
  gradient: 'the gradient swapped back',
  operands: ['input'],
  attrs: {
    axis0: int(-2, 'the first axis swapped'),
    axis1: int(-1, 'the second axis swapped'),
  },
  infer: ([x], attrs) => ({ shape: transposeShape(x, attrs), dtype: x.dtype }),
  prepare: ([x], _shape, attrs) => {
    const info = { shape: [...x], dtype: 'float32' as const };
    return [
      axisOf('transpose', 'axis0', attrs.axis0, info),
      axisOf('transpose', 'axis1', attrs.axis1, info),
    ];
  },
  forward: ({ inputs: [x], shapes: [dims], out, prepared: [a, b] }) => swapAxes(x, dims, a, b, out),
  backward: ({ grad, shape, grads: [gx], prepared: [a, b] }) => {
    if (gx) swapAxes(grad, shape, a, b, gx);
  },
  saves: [],
  torch: 'torch.transpose(input, axis0, axis1)',
  onnx: 'Transpose',
  examples: [
    { name: '[3,4] default', inputs: [randn([3, 4])] },
    { name: '[2,3,4] default swaps the last two', inputs: [randn([2, 3, 4])] },
    { name: '[2,3,4] axes 0 and 2', inputs: [randn([2, 3, 4])], attrs: { axis0: 0, axis1: 2 } },
    { name: '[2,3,4] axes -3 and 1', inputs: [randn([2, 3, 4])], attrs: { axis0: -3, axis1: 1 } },
  ],
});
