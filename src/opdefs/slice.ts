import { gatherAxis, scatterPositions } from '../kernels/layout.js';
import { int } from './attrs.js';
import { defineOp } from './define.js';
import { axisOf, sliceShape } from './shape-rules.js';

type SliceAttrs = { axis: number; start: number; end: number | null; step: number };

export default defineOp<SliceAttrs, { axis: number; positions: number[] }>({
  name: 'slice',
  family: 'shape',
  doc: "x[start:end:step] along one axis with Python's rules: negative bounds count from the end, bounds past either end are clamped",
  operands: ['input'],
  attrs: {
    axis: int(0, 'the axis sliced'),
    start: int(0, 'the first position taken'),
    end: int(null, 'the position after the last one taken (the end of the axis when left out)'),
    step: int(1, 'the distance between positions taken', { min: 1 }),
  },
  infer: ([x], attrs) => ({ shape: sliceShape(x, attrs), dtype: x.dtype }),
  prepare([x], _shape, attrs) {
    const axis = axisOf('slice', 'axis', attrs.axis, { shape: [...x], dtype: 'float32' });
    const dim = x[axis];
    const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + dim : i, 0), dim);
    const from = clampIndex(attrs.start);
    const to = attrs.end === null ? dim : clampIndex(attrs.end);
    const positions: number[] = [];
    for (let i = from; i < to; i += attrs.step) positions.push(i);
    return { axis, positions };
  },
  forward: ({ inputs: [x], shapes: [dims], out, prepared: p }) =>
    gatherAxis(x, dims, p.axis, p.positions, out),
  backward: ({ grad, shapes: [dims], grads: [gx], prepared: p }) => {
    if (gx) scatterPositions(grad, dims, p.axis, p.positions, gx);
  },
  saves: [],
  torch: 'input[(slice(None),) * (axis % input.dim()) + (slice(start, end, step),)]',
  onnx: 'Slice',
});
