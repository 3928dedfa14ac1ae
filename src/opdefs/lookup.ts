import {
  embeddingBackward,
  embeddingForward,
  gatherBackward,
  gatherForward,
  oneHot,
} from '../kernels/lookup.js';
import { ValueError } from '../tensor/errors.js';
import { attrList, choice, int } from './attrs.js';
import { defineOp } from './define.js';
import { formatShape } from './dims.js';
import { labels, randn } from './examples.js';
import { position } from './position.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { axisOf, floatDtype, requireInt } from './shape-rules.js';
import type { ValueInfo } from './types.js';

/** padding_idx as a row number (torch counts a negative one from the end), or null. */
function paddingRow(paddingIdx: number | null, rows: number): number | null {
  if (paddingIdx === null) return null;
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

export const EMBEDDING = defineOp<{ padding_idx: number | null }, { rows: number; dim: number }>({
  name: 'embedding',
  family: 'lookup',
  doc: 'torch.nn.functional.embedding: the rows of weight [num, dim] picked by int32 ids of any shape, giving [...ids, dim]; an id outside 0..num−1 is a ValueError naming its position',
  gradient:
    'each row of weight gets the sum of g over the positions that picked it; the padding_idx row gets none',
  operands: ['input', 'weight'],
  attrs: {
    padding_idx: int(
      null,
      'a row returned as stored and given no gradient (negative counts from the end)',
    ),
  },
  infer([ids, weight], attrs, mode) {
    requireInt('embedding', ids, 'ids', 0);
    if (weight.shape.length !== 2) {
      throw new ShapeIssue(
        CODES.axis,
        `embedding needs a 2-D weight [num, dim], got ${formatShape(weight.shape)}`,
        1,
      );
    }
    const [rows, dim] = weight.shape;
    const p = attrs.padding_idx;
    if (p !== null && typeof rows === 'number' && (p < -rows || p >= rows)) {
      throw new ShapeIssue(
        CODES.badAttr,
        `embedding: padding_idx ${p} is out of range for ${rows} embeddings (expected ${-rows}..${rows - 1})`,
      );
    }
    return {
      shape: [...ids.shape, dim],
      dtype: floatDtype('embedding', [weight], ['weight'], mode),
    };
  },
  prepare([, weight]) {
    return { rows: weight[0], dim: weight[1] };
  },
  forward({ inputs: [ids, weight], shapes, out, prepared: p }) {
    const bad = embeddingForward(ids, weight, p.rows, p.dim, out);
    if (bad >= 0) {
      throw new ValueError(
        `embedding: ${position('input', bad, shapes[0])} = ${ids[bad]} is out of range for ${p.rows} embeddings (expected 0..${p.rows - 1})`,
      );
    }
  },
  backward({ inputs: [ids], grad, grads: [, gw], attrs, prepared: p }) {
    if (gw) embeddingBackward(grad, ids, p.dim, paddingRow(attrs.padding_idx, p.rows), gw);
  },
  saves: [0],
  torch: 'F.embedding(input, weight, padding_idx)',
  onnx: 'Gather',
  module: {
    doc: 'torch.nn.Embedding: a lookup table weight [num, dim] drawn from normal(0, 1), its padding_idx row (if any) zeroed; called on int32 ids',
    args: attrList({
      num: int(undefined, 'number of embeddings (the ids are 0..num−1)', { min: 1 }),
      dim: int(undefined, 'size of each embedding', { min: 1 }),
      padding_idx: int(
        null,
        'a row that starts at zero, is returned as stored and gets no gradient',
      ),
    }),
    params(_inShape, args) {
      const num = args.num as number;
      const padding = args.padding_idx as number | null;
      if (padding !== null && (padding < -num || padding >= num)) {
        return `embedding: padding_idx ${padding} is out of range for ${num} embeddings (expected ${-num}..${num - 1})`;
      }
      const row = paddingRow(padding, num);
      return [
        {
          name: 'weight',
          shape: [num, args.dim as number],
          init: { kind: 'normal', mean: 0, std: 1, ...(row === null ? {} : { zeroRow: row }) },
        },
      ];
    },
    attrs: (args) => ({ padding_idx: args.padding_idx }),
  },
  examples: [
    { name: '[2,3] ids of 5 rows', inputs: [labels([2, 3], 5), randn([5, 4])] },
    { name: 'scalar id', inputs: [labels([], 3), randn([3, 2])] },
    {
      name: '[8] ids, padding_idx 1',
      inputs: [labels([8], 3), randn([3, 4])],
      attrs: { padding_idx: 1 },
      notDerivative: 'the padding row is read but, by design, gets no gradient',
    },
    {
      name: '[6] ids, padding_idx -1',
      inputs: [labels([6], 4), randn([4, 3])],
      attrs: { padding_idx: -1 },
      notDerivative: 'the padding row is read but, by design, gets no gradient',
    },
  ],
});

type GatherLayout = { axis: number; xDims: number[]; indexDims: number[] };

/** torch.gather's shape rule: an index of the input's rank, no larger off the axis. */
function gatherShape(x: ValueInfo, index: ValueInfo, axis: number): void {
  if (index.shape.length !== x.shape.length) {
    throw new ShapeIssue(
      CODES.axis,
      `gather needs an index of the input's rank ${x.shape.length}, got ${formatShape(index.shape)} for input ${formatShape(x.shape)}`,
      1,
    );
  }
  const k = index.shape.findIndex((d, i) => {
    if (i === axis || d === x.shape[i]) return false;
    return !(
      typeof d === 'number' &&
      typeof x.shape[i] === 'number' &&
      d <= (x.shape[i] as number)
    );
  });
  if (k >= 0) {
    const symbolic = typeof index.shape[k] === 'string' || typeof x.shape[k] === 'string';
    throw new ShapeIssue(
      symbolic ? CODES.symbolic : CODES.axis,
      `gather: index ${formatShape(index.shape)} is larger than input ${formatShape(x.shape)} on axis ${k}, which is not the gathered axis${symbolic ? ' (or cannot be proven no larger)' : ''}`,
      1,
    );
  }
}

export const GATHER = defineOp<{ axis: number }, GatherLayout>({
  name: 'gather',
  family: 'lookup',
  doc: 'torch.gather: out[..., j, ...] = input[..., index[..., j, ...], ...] along axis; the int32 index has the input’s rank, no larger than it on the other axes, and the result its shape; an index outside 0..size−1 is a ValueError naming its position',
  gradient: 'g added back at the gathered positions (repeats add up), 0 elsewhere',
  operands: ['input', 'index'],
  attrs: { axis: int(undefined, 'the axis the index picks along') },
  infer([x, index], attrs) {
    requireInt('gather', index, 'index', 1);
    const axis = axisOf('gather', 'axis', attrs.axis, x);
    gatherShape(x, index, axis);
    return { shape: [...index.shape], dtype: x.dtype };
  },
  prepare([x, index], _shape, attrs) {
    const axis = attrs.axis < 0 ? attrs.axis + x.length : attrs.axis;
    return { axis, xDims: [...x], indexDims: [...index] };
  },
  forward({ inputs: [x, index], out, prepared: p }) {
    const bad = gatherForward(x, p.xDims, index, p.indexDims, p.axis, out);
    if (bad >= 0) {
      throw new ValueError(
        `gather: ${position('index', bad, p.indexDims)} = ${index[bad]} is out of range for axis ${p.axis} of size ${p.xDims[p.axis]} (expected 0..${p.xDims[p.axis] - 1})`,
      );
    }
  },
  backward({ inputs: [, index], grad, grads: [gx], prepared: p }) {
    if (gx) gatherBackward(grad, index, p.indexDims, p.xDims, p.axis, gx);
  },
  saves: [1],
  torch: 'torch.gather(input, axis, index)',
  onnx: 'GatherElements',
  examples: [
    { name: '[3,4] along axis 1', inputs: [randn([3, 4]), labels([3, 2], 4)], attrs: { axis: 1 } },
    { name: '[3,4] along axis 0', inputs: [randn([3, 4]), labels([5, 4], 3)], attrs: { axis: 0 } },
    {
      name: '[2,3,4] along axis -1, index smaller on axis 1',
      inputs: [randn([2, 3, 4]), labels([2, 2, 6], 4)],
      attrs: { axis: -1 },
    },
    { name: '[5] along axis 0', inputs: [randn([5]), labels([7], 5)], attrs: { axis: 0 } },
  ],
});

type OneHotAttrs = { classes: number; dtype: 'int32' | 'float32' };

export const ONE_HOT = defineOp<OneHotAttrs>({
  name: 'one_hot',
  family: 'lookup',
  doc: 'torch.nn.functional.one_hot: int32 ids of any shape to [...ids, classes], 1 at each id and 0 elsewhere, int32 (torch’s int64) or float32 by dtype; an id outside 0..classes−1 is a ValueError naming its position',
  operands: ['input'],
  attrs: {
    classes: int(undefined, 'the number of classes (the ids are 0..classes−1)', { min: 1 }),
    dtype: choice(['int32', 'float32'], 'int32', 'the result’s dtype'),
  },
  infer([ids], attrs) {
    requireInt('one_hot', ids, 'ids', 0);
    return { shape: [...ids.shape, attrs.classes], dtype: attrs.dtype };
  },
  forward({ inputs: [ids], shapes, out, attrs }) {
    const bad = oneHot(ids, attrs.classes, out);
    if (bad >= 0) {
      throw new ValueError(
        `one_hot: ${position('input', bad, shapes[0])} = ${ids[bad]} is out of range for ${attrs.classes} classes (expected 0..${attrs.classes - 1})`,
      );
    }
  },
  saves: [],
  torch: 'F.one_hot(input, classes).to(torch.float64 if dtype == "float32" else torch.int64)',
  onnx: 'OneHot',
  examples: [
    { name: '[4] ids of 5 classes', inputs: [labels([4], 5)], attrs: { classes: 5 } },
    {
      name: '[2,3] ids as float32',
      inputs: [labels([2, 3], 4)],
      attrs: { classes: 4, dtype: 'float32' },
    },
    { name: 'a scalar id', inputs: [labels([], 3)], attrs: { classes: 3 } },
  ],
});
