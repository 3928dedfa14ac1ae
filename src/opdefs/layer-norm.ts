import { layerNormBackward, layerNormForward } from '../kernels/norm.js';
import { attrList, bool, float, ints } from './attrs.js';
import { defineOp } from './define.js';
import { formatShape } from './dims.js';
import { absent, exact, randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { floatDtype, requireRank } from './shape-rules.js';
import type { Attrs, ValueInfo } from './types.js';

type LayerNormAttrs = { shape: number[] | null; eps: number };

interface LayerNormLayout {
  rows: number;
  cols: number;
}

const sameDims = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((d, k) => d === b[k]);

/** The normalised shape: the attribute, else the weight's shape; checked against the input. */
function normalizedShape(
  [x, weight, bias]: readonly (ValueInfo | undefined)[],
  attrs: LayerNormAttrs,
): number[] {
  const input = x as ValueInfo;
  const given = attrs.shape ?? (weight?.shape as number[] | undefined);
  if (given === undefined) {
    throw new ShapeIssue(
      CODES.badAttr,
      'layer_norm needs shape (the normalised trailing dims) when it has no weight',
    );
  }
  if (given.length === 0 || given.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeIssue(
      CODES.badAttr,
      `layer_norm: shape must be a non-empty list of sizes >= 1, got ${formatShape(given)}`,
    );
  }
  requireRank('layer_norm', input, given.length, `an input of at least ${given.length} axes`);
  const trailing = input.shape.slice(input.shape.length - given.length);
  if (!sameDims(trailing, given)) {
    const symbolic = trailing.some((d) => typeof d === 'string');
    throw new ShapeIssue(
      symbolic ? CODES.symbolic : CODES.normShape,
      `layer_norm: the normalised shape ${formatShape(given)} does not match the trailing axes of input ${formatShape(input.shape)}${symbolic ? ' (they cannot be proven equal)' : ''}`,
      0,
    );
  }
  for (const [k, arg] of [
    [1, weight],
    [2, bias],
  ] as const) {
    if (arg !== undefined && !sameDims(arg.shape, given)) {
      throw new ShapeIssue(
        CODES.normShape,
        `layer_norm needs ${k === 1 ? 'weight' : 'bias'} of the normalised shape ${formatShape(given)}, got ${formatShape(arg.shape)}`,
        k,
      );
    }
  }
  return given;
}

// Rows near 1000 with a spread of about 1: the statistics must not cancel the spread away.
const OFFSET = [
  1000, 1001.25, 999.5, 1000.75, 1000.5, 998.75, -1000, -999.5, -1001, -1000.25, -998, -1000.5,
];

export default defineOp<LayerNormAttrs, LayerNormLayout>({
  name: 'layer_norm',
  family: 'normalisation',
  doc: 'torch.nn.functional.layer_norm: each slice over the last k axes (k = the length of shape) becomes (x − mean)/√(var + eps)·weight + bias, var biased; weight and bias have the normalised shape',
  gradient: '(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/σ per slice, ĝ = g·weight; Σ g·x̂ for weight, Σ g for bias',
  operands: ['input', 'weight?', 'bias?'],
  attrs: {
    shape: ints(null, "the normalised trailing dims (the weight's shape by default)"),
    eps: float(1e-5, 'the number added to the variance before its square root', { min: 0 }),
  },
  positional: 0,
  infer(args, attrs, mode) {
    normalizedShape(args, attrs);
    const floats = [0, 1, 2].filter((k) => args[k] !== undefined);
    const names = ['input', 'weight', 'bias'];
    return {
      shape: [...(args[0] as ValueInfo).shape],
      dtype: floatDtype(
        'layer_norm',
        floats.map((k) => args[k] as ValueInfo),
        floats.map((k) => names[k]),
        mode,
      ),
    };
  },
  prepare(shapes, _shape, attrs) {
    const [x, weight] = shapes;
    const k = (attrs.shape ?? weight).length;
    const cols = x.slice(x.length - k).reduce((a, b) => a * b, 1);
    const size = x.reduce((a, b) => a * b, 1);
    return { rows: cols === 0 ? 0 : size / cols, cols };
  },
  forward(call) {
    const {
      inputs: [x, weight, bias],
      out,
      attrs,
      prepared: p,
    } = call;
    const mean = call.scratch('mean', p.rows, 'float64') as Float64Array;
    const invstd = call.scratch('invstd', p.rows, 'float64') as Float64Array;
    layerNormForward(x, p.rows, p.cols, attrs.eps, weight, bias, mean, invstd, out);
  },
  backward(call) {
    const {
      inputs: [x, weight],
      grad,
      grads: [gx, gw, gb],
      prepared: p,
    } = call;
    const mean = call.scratch('mean', p.rows, 'float64') as Float64Array;
    const invstd = call.scratch('invstd', p.rows, 'float64') as Float64Array;
    const sums = call.scratch('sums', 2 * p.cols, 'float64') as Float64Array;
    layerNormBackward(
      grad,
      x,
      p.rows,
      p.cols,
      weight,
      mean,
      invstd,
      sums,
      gx,
      gw ?? null,
      gb ?? null,
    );
  },
  saves: [0, 1],
  torch: 'F.layer_norm(input, shape if shape is not None else weight.shape, weight, bias, eps)',
  onnx: 'LayerNormalization',
  module: {
    doc: 'torch.nn.LayerNorm: layer_norm over the trailing dims `shape`, with a weight (ones) and a bias (zeros) of that shape when elementwise_affine (bias: false leaves the bias out)',
    main: 'shape',
    args: attrList({
      shape: ints(undefined, 'normalised trailing dims (one number for the last axis)'),
      eps: float(1e-5, 'the number added to the variance before its square root', { min: 0 }),
      elementwise_affine: bool(true, 'whether the layer has a learned weight (and bias)'),
      bias: bool(true, 'whether the layer has a learned bias (with elementwise_affine)'),
    }),
    params(_inShape, args) {
      const shape = args.shape as number[];
      if (!args.elementwise_affine) return [];
      const weight = { name: 'weight', shape: [...shape], init: { kind: 'ones' as const } };
      if (!args.bias) return [weight];
      return [weight, { name: 'bias', shape: [...shape], init: { kind: 'zeros' as const } }];
    },
    attrs: (args: Attrs) => ({ shape: args.shape, eps: args.eps }),
  },
  examples: [
    { name: '[4,6] over the last axis', inputs: [randn([4, 6]), randn([6]), randn([6])] },
    {
      name: '[2,3,4] over the last 2 axes (the weight’s shape)',
      inputs: [randn([2, 3, 4]), randn([3, 4]), randn([3, 4])],
    },
    { name: '[3,5] without weight and bias', inputs: [randn([3, 5], 2)], attrs: { shape: [5] } },
    { name: '[2,2,5] weight without bias', inputs: [randn([2, 2, 5]), randn([5])] },
    {
      name: '[3,4] bias without weight',
      inputs: [randn([3, 4]), absent(), randn([4])],
      attrs: { shape: [4] },
    },
    {
      name: '[3,4] eps 0.1',
      inputs: [randn([3, 4], 0.3), randn([4]), randn([4])],
      attrs: { eps: 0.1 },
    },
    {
      name: 'magnitude 1000',
      inputs: [exact([2, 6], OFFSET), randn([6]), randn([6])],
    },
  ],
});
