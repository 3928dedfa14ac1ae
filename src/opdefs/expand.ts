import { expandTo, sumTo } from '../kernels/elementwise.js';
import { ints } from './attrs.js';
import { defineOp } from './define.js';
import { type Dim, formatShape } from './dims.js';
import { randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import type { ValueInfo } from './types.js';

/**
 * torch's expand: the input's axes align with the last ones of `shape`; -1 keeps an axis, a 1
 * stretches to any size, new leading axes may be added (not as -1).
 */
function expandShape(x: ValueInfo, target: readonly number[]): Dim[] {
  const fail = (code: string, why: string) =>
    new ShapeIssue(
      code,
      `expand cannot turn ${formatShape(x.shape)} into ${formatShape(target)}: ${why}`,
      0,
    );
  const lead = target.length - x.shape.length;
  if (lead < 0) {
    throw fail(
      CODES.axis,
      `the shape names ${target.length} axes, fewer than the input's ${x.shape.length}`,
    );
  }
  return target.map((size, k) => {
    if (k < lead) {
      if (size < 0)
        throw fail(CODES.badAttr, `the new leading axis ${k} must have a size >= 0, got ${size}`);
      return size;
    }
    const dim = x.shape[k - lead];
    if (size === -1 || size === dim) return dim;
    if (size < -1) throw fail(CODES.badAttr, `sizes are >= 0 or -1 (keep the axis), got ${size}`);
    if (dim === 1) return size;
    throw fail(
      typeof dim === 'string' ? CODES.symbolic : CODES.broadcast,
      `axis ${k} has length ${dim}, and only an axis of length 1 expands${typeof dim === 'string' ? ` (${dim} cannot be proven to be 1 or ${size})` : ''}`,
    );
  });
}

export default defineOp<{ shape: number[] }>({
  name: 'expand',
  family: 'shape',
  doc: 'the input broadcast to a larger shape: axes of length 1 stretch, -1 keeps an axis, new axes may lead (a copy, unlike torch’s view)',
  gradient: 'summed over the stretched and added axes',
  operands: ['input'],
  attrs: {
    shape: ints(undefined, 'the result’s shape; -1 keeps the input’s axis', { symbolic: true }),
  },
  infer: ([x], attrs) => ({ shape: expandShape(x, attrs.shape), dtype: x.dtype }),
  forward: ({ inputs: [x], shapes: [dims], out, shape }) => expandTo(x, dims, out, shape),
  backward: ({ grad, shape, shapes: [dims], grads: [gx] }) => {
    if (gx) sumTo(grad, shape, gx, dims);
  },
  saves: [],
  torch: 'input.expand(shape)',
  onnx: 'Expand',
  examples: [
    { name: '[3,1] to [3,4]', inputs: [randn([3, 1])], attrs: { shape: [3, 4] } },
    { name: '[3,1] to [-1,4]', inputs: [randn([3, 1])], attrs: { shape: [-1, 4] } },
    { name: '[4] to [2,3,4] (new axes)', inputs: [randn([4])], attrs: { shape: [2, 3, 4] } },
    { name: '[2,1,3] to [-1,5,-1]', inputs: [randn([2, 1, 3])], attrs: { shape: [-1, 5, -1] } },
    { name: '[1,1] to [2,3]', inputs: [randn([1, 1])], attrs: { shape: [2, 3] } },
    { name: 'a scalar to [2,2]', inputs: [randn([])], attrs: { shape: [2, 2] } },
    { name: 'all -1: the same shape', inputs: [randn([2, 3])], attrs: { shape: [-1, -1] } },
  ],
});
