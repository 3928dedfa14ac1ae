import { gatherAxis, scatterPositions } from '../kernels/layout.js';
import { int } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { axisOf, sliceShape } from './shape-rules.js';

type SliceAttrs = { axis: number; start: number; end: number | null; step: number };

export default defineOp<SliceAttrs, { axis: number; positions: number[] }>({
  name: 'slice',
  family: 'shape',
  doc: "x[start:end:step] along one axis with Python's rules: negative bounds count from the end, bounds past either end are clamped",
  gradient: 'scattered back, 0 elsewhere',
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
  examples: [
    { name: 'axis 1, 1 to 4', inputs: [randn([3, 6])], attrs: { axis: 1, start: 1, end: 4 } },
    {
      name: 'axis 1, step 2',
      inputs: [randn([3, 6])],
      attrs: { axis: 1, start: 0, end: 6, step: 2 },
    },
    { name: 'axis -1 from -3', inputs: [randn([3, 6])], attrs: { axis: -1, start: -3 } },
    {
      name: 'axis 0, 1 to 3 of [4,2,3]',
      inputs: [randn([4, 2, 3])],
      attrs: { axis: 0, start: 1, end: 3 },
    },
    {
      name: 'bounds past the end are clamped',
      inputs: [randn([3, 6])],
      attrs: { axis: 1, start: 4, end: 100 },
    },
    {
      name: 'axis 1 to -1 of [2,5,2]',
      inputs: [randn([2, 5, 2])],
      attrs: { axis: 1, start: 1, end: -1 },
    },
  ],
});
