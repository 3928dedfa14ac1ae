import { permuteAxes } from '../kernels/layout.js';
import { ints } from './attrs.js';
import { defineOp } from './define.js';
import { formatShape, normalizeAxis } from './dims.js';
import { randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import type { ValueInfo } from './types.js';

/** The axes as a permutation of 0..rank-1 (negative ones counted from the end), or a finding. */
function permutation(x: ValueInfo, axes: readonly number[]): number[] {
  const rank = x.shape.length;
  const fail = (why: string) =>
    new ShapeIssue(
      CODES.axis,
      `permute: axes ${formatShape(axes)} ${why} for a ${rank}-D tensor ${formatShape(x.shape)}`,
      0,
      true,
    );
  if (axes.length !== rank) throw fail(`name ${axes.length} axes, but need one per axis (${rank})`);
  const order = axes.map((a) => normalizeAxis(a, rank));
  const bad = order.findIndex((a) => a === undefined);
  if (bad >= 0) throw fail(`hold ${axes[bad]}, which is out of range`);
  const twice = order.findIndex((a, k) => order.indexOf(a) !== k);
  if (twice >= 0) throw fail(`name axis ${order[twice]} twice: not a permutation`);
  return order as number[];
}

export default defineOp<{ axes: number[] }, { axes: number[]; inverse: number[] }>({
  name: 'permute',
  family: 'shape',
  doc: "reorders the axes: the result's axis k is the input's axis axes[k] (new contiguous storage)",
  gradient: 'permuted back by the inverse order',
  operands: ['input'],
  attrs: { axes: ints(undefined, 'the input axis each result axis takes, one per axis') },
  infer([x], attrs) {
    const order = permutation(x, attrs.axes);
    return { shape: order.map((a) => x.shape[a]), dtype: x.dtype };
  },
  prepare([x], _shape, attrs) {
    const axes = permutation({ shape: [...x], dtype: 'float32' }, attrs.axes);
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, k) => {
      inverse[a] = k;
    });
    return { axes, inverse };
  },
  forward: ({ inputs: [x], shapes: [dims], out, prepared: p }) => permuteAxes(x, dims, p.axes, out),
  backward: ({ grad, shape, grads: [gx], prepared: p }) => {
    if (gx) permuteAxes(grad, shape, p.inverse, gx);
  },
  saves: [],
  torch: 'input.permute(axes)',
  onnx: 'Transpose',
  examples: [
    { name: '[2,3,4] to (0,2,1)', inputs: [randn([2, 3, 4])], attrs: { axes: [0, 2, 1] } },
    { name: '[2,3,4] to (2,0,1)', inputs: [randn([2, 3, 4])], attrs: { axes: [2, 0, 1] } },
    {
      name: '[2,3,4,5] heads (0,2,1,3)',
      inputs: [randn([2, 3, 4, 5])],
      attrs: { axes: [0, 2, 1, 3] },
    },
    { name: 'negative axes (-1,0,1)', inputs: [randn([2, 3, 4])], attrs: { axes: [-1, 0, 1] } },
    { name: '[3,4] to (1,0)', inputs: [randn([3, 4])], attrs: { axes: [1, 0] } },
    { name: 'a scalar', inputs: [randn([])], attrs: { axes: [] } },
  ],
});
