import { copyAlongAxis } from '../kernels/layout.js';
import { int } from './attrs.js';
import { defineOp } from './define.js';
import { constant, randn } from './examples.js';
import { axisOf, commonDtype, concatShape } from './shape-rules.js';

interface ConcatLayout {
  axis: number;
  length: number;
  offsets: number[];
}

export default defineOp<{ axis: number }, ConcatLayout>({
  name: 'concat',
  family: 'shape',
  doc: 'joins tensors along an existing axis; all other axes must agree',
  gradient: 'split back to each operand',
  operands: ['tensors'],
  listOperand: true,
  attrs: { axis: int(0, 'the axis joined along') },
  infer: (parts, attrs, mode) => ({
    shape: concatShape(parts, attrs),
    dtype: commonDtype('concat', parts, mode),
  }),
  prepare(shapes, _shape, attrs) {
    const axis = axisOf('concat', 'axis', attrs.axis, { shape: [...shapes[0]], dtype: 'float32' });
    const offsets: number[] = [];
    let length = 0;
    for (const s of shapes) {
      offsets.push(length);
      length += s[axis];
    }
    return { axis, length, offsets };
  },
  forward({ inputs, shapes, out, prepared: p }) {
    for (const [i, part] of inputs.entries()) {
      copyAlongAxis(part, shapes[i], p.axis, out, p.length, p.offsets[i]);
    }
  },
  backward({ grad, shapes, grads, prepared: p }) {
    grads.forEach((gi, i) => {
      if (gi) copyAlongAxis(gi, shapes[i], p.axis, grad, p.length, p.offsets[i], true);
    });
  },
  saves: [],
  torch: 'torch.cat(tensors, axis)',
  onnx: 'Concat',
  examples: [
    { name: 'two along axis 1', inputs: [randn([2, 3]), randn([2, 4])], attrs: { axis: 1 } },
    { name: 'three along axis 0', inputs: [randn([1, 3]), randn([2, 3]), randn([3, 3])] },
    {
      name: '3-D along axis -1',
      inputs: [randn([2, 2, 1]), randn([2, 2, 3])],
      attrs: { axis: -1 },
    },
    { name: 'with a constant', inputs: [randn([2, 3]), constant(randn([1, 3]))] },
  ],
});
