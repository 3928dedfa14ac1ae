import { gatherAxis, scatterPositions } from '../kernels/layout.js';
import { int } from './attrs.js';
import { defineOp } from './define.js';
import { formatShape } from './dims.js';
import { randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { axisOf, requireRank } from './shape-rules.js';

type IndexAttrs = { axis: number; index: number };

export default defineOp<IndexAttrs, { axis: number; position: number[] }>({
  name: 'index',
  family: 'shape',
  doc: "the sub-tensor at one position of an axis, with that axis dropped (torch's x.select)",
  gradient: 'scattered back, 0 elsewhere',
  operands: ['input'],
  attrs: {
    axis: int(0, 'the axis indexed'),
    index: int(undefined, 'the position taken; negative counts from the end'),
  },
  infer([x], attrs) {
    requireRank('index', x, 1, 'a tensor of at least 1 axis');
    const axis = axisOf('index', 'axis', attrs.axis, x);
    const dim = x.shape[axis];
    if (typeof dim === 'number' && (attrs.index < -dim || attrs.index >= dim)) {
      throw new ShapeIssue(
        CODES.axis,
        `index: index ${attrs.index} is out of range for axis ${attrs.axis} of size ${dim} (shape ${formatShape(x.shape)})`,
        0,
        true,
      );
    }
    return { shape: x.shape.filter((_, k) => k !== axis), dtype: x.dtype };
  },
  prepare([x], _shape, attrs) {
    const axis = axisOf('index', 'axis', attrs.axis, { shape: [...x], dtype: 'float32' });
    return { axis, position: [attrs.index < 0 ? attrs.index + x[axis] : attrs.index] };
  },
  forward: ({ inputs: [x], shapes: [dims], out, prepared: p }) =>
    gatherAxis(x, dims, p.axis, p.position, out),
  backward: ({ grad, shapes: [dims], grads: [gx], prepared: p }) => {
    if (gx) scatterPositions(grad, dims, p.axis, p.position, gx);
  },
  saves: [],
  torch: 'torch.select(input, axis, index)',
  onnx: 'Gather',
  examples: [
    { name: 'row 1 of [3,4]', inputs: [randn([3, 4])], attrs: { index: 1 } },
    {
      name: 'last of axis 1 of [2,3,4]',
      inputs: [randn([2, 3, 4])],
      attrs: { axis: 1, index: -1 },
    },
  ],
});
