import { swapAxes } from '../kernels/layout.js';
import { int } from './attrs.js';
import { defineOp } from './define.js';
import { axisOf, transposeShape } from './shape-rules.js';

export default defineOp<{ axis0: number; axis1: number }, [number, number]>({
  name: 'transpose',
  family: 'linear algebra',
  doc: 'swaps two axes (the last two by default) into new contiguous storage; `.T` is the 2-D case',
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
});
