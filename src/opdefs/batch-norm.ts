import {
  type BatchNormLayout,
  batchNormApply,
  batchNormBackward,
  batchNormStatistics,
  updateRunningStatistics,
} from '../kernels/norm.js';
import { ValueError } from '../tensor/errors.js';
import { attrList, bool, float } from './attrs.js';
import { defineOp } from './define.js';
import type { Dim } from './dims.js';
import { formatShape } from './dims.js';
import { absent, constant, exact, labels, randn, uniform } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { floatDtype, requireInt, requireRank } from './shape-rules.js';
import type { Attrs, ModuleKind, ValueInfo } from './types.js';

type BatchNormAttrs = { momentum: number; eps: number };

const OPERANDS = ['input', 'running_mean', 'running_var', 'weight', 'bias', 'num_batches_tracked'];

/** Each per-channel operand (running statistics, weight, bias) must be [C], C = input's axis 1. */
function checkChannels(args: readonly (ValueInfo | undefined)[]): Dim {
  const [x] = args;
  requireRank('batch_norm', x as ValueInfo, 2, 'an input [N, C, ...] of at least 2 axes');
  const x0 = x as ValueInfo;
  const channels = x0.shape[1];
  for (const k of [1, 2, 3, 4]) {
    const arg = args[k];
    if (arg === undefined) continue;
    if (arg.shape.length !== 1 || arg.shape[0] !== channels) {
      const symbolic =
        arg.shape.length === 1 &&
        (typeof arg.shape[0] === 'string' || typeof channels === 'string');
      throw new ShapeIssue(
        symbolic ? CODES.symbolic : CODES.normShape,
        `batch_norm needs ${OPERANDS[k]} of shape [${channels}] (the channels, axis 1 of input ${formatShape(x0.shape)}), got ${formatShape(arg.shape)}`,
        k,
      );
    }
  }
  if ((args[1] === undefined) !== (args[2] === undefined)) {
    throw new ShapeIssue(
      CODES.normShape,
      'batch_norm takes running_mean and running_var together (both or neither)',
      args[1] === undefined ? 2 : 1,
    );
  }
  return channels;
}

/**
 * nn.BatchNorm1d/2d: the channels of axis 1 normalised by the batch's statistics while training
 * (which also update the running ones) and by the running statistics in eval mode. torch's
 * _check_input_dim: 1d takes [N, C] or [N, C, L], 2d takes [N, C, H, W].
 */
function batchNormKind(name: 'batch_norm1d' | 'batch_norm2d'): ModuleKind {
  const ranks = name === 'batch_norm1d' ? [2, 3] : [4];
  const layout = name === 'batch_norm1d' ? '[N, C] or [N, C, L]' : '[N, C, H, W]';
  const torchName = name === 'batch_norm1d' ? 'BatchNorm1d' : 'BatchNorm2d';
  const channelsOf = (inShape: readonly Dim[], inName: string): number | string => {
    if (!ranks.includes(inShape.length)) {
      return `${name} needs an input ${layout}, but '${inName}' is ${formatShape(inShape)}`;
    }
    const channels = inShape[1];
    if (typeof channels !== 'number') {
      return `${name} needs a fixed number of channels (axis 1), but its input '${inName}' is ${formatShape(inShape)}`;
    }
    return channels;
  };
  return {
    name,
    doc: `torch.nn.${torchName}: batch_norm of ${layout} with its own running statistics (buffers running_mean, running_var, num_batches_tracked) and, with affine, a weight and bias per channel`,
    // torch's first argument is the number of channels, which comes from the input here: a
    // bare number is refused rather than taken as eps.
    main: null,
    args: attrList({
      eps: float(1e-5, 'the number added to the variance before its square root', { min: 0 }),
      momentum: float(0.1, "the running statistics' update: (1 − momentum)·old + momentum·batch", {
        min: 0,
        max: 1,
      }),
      affine: bool(true, 'whether the layer has a learned weight and bias per channel'),
    }),
    params(inShape, args, inName) {
      const channels = channelsOf(inShape, inName);
      if (typeof channels === 'string') return channels;
      if (!args.affine) return [];
      return [
        { name: 'weight', shape: [channels], init: { kind: 'ones' } },
        { name: 'bias', shape: [channels], init: { kind: 'zeros' } },
      ];
    },
    buffers(inShape, _args, inName) {
      const channels = channelsOf(inShape, inName);
      if (typeof channels === 'string') return channels;
      return [
        {
          name: 'running_mean',
          shape: [channels],
          dtype: 'float32',
          init: { kind: 'zeros' },
          persistent: true,
        },
        {
          name: 'running_var',
          shape: [channels],
          dtype: 'float32',
          init: { kind: 'ones' },
          persistent: true,
        },
        {
          name: 'num_batches_tracked',
          shape: [],
          dtype: 'int32',
          init: { kind: 'zeros' },
          persistent: true,
        },
      ];
    },
    operands: OPERANDS.slice(1),
    attrs: (args: Attrs) => ({ momentum: args.momentum, eps: args.eps }),
  };
}

// Inputs near 1000 with a spread of about 1: the statistics must not cancel the spread away.
const OFFSET = [
  1000, 1001.25, 999.5, 1000.75, 1000.5, 998.75, 1001.5, 999.25, 1000.25, 1002, 999.75, 1000.125,
];

export default defineOp<BatchNormAttrs, BatchNormLayout>({
  name: 'batch_norm',
  family: 'normalisation',
  doc: "torch.nn.functional.batch_norm of input [N, C, ...] per channel C: (x − mean)/√(var + eps)·weight + bias, with the batch's mean and biased variance while training (updating running_mean and running_var by momentum, the variance unbiased, and num_batches_tracked by 1, as nn.BatchNorm does) and the running statistics in eval mode; each per-channel operand is [C]",
  gradient:
    'training: w/σ·(g − mean(g) − x̂·mean(g·x̂)); eval: g·w/σ; Σ g·x̂ for weight, Σ g for bias',
  operands: ['input', 'running_mean?', 'running_var?', 'weight?', 'bias?', 'num_batches_tracked?'],
  attrs: {
    momentum: float(0.1, "the running statistics' update: (1 − momentum)·old + momentum·batch", {
      min: 0,
      max: 1,
    }),
    eps: float(1e-5, 'the number added to the variance before its square root', { min: 0 }),
  },
  // torch's positional form puts `training` first, which is the mode here: options only.
  positional: 0,
  uses: ['training'],
  trainingDefault: false,
  writes: { operands: [1, 2, 5], when: 'training' },
  infer(args, _attrs, mode) {
    checkChannels(args);
    const count = args[5];
    if (count !== undefined) {
      requireInt('batch_norm', count, 'num_batches_tracked', 5);
      if (count.shape.length !== 0) {
        throw new ShapeIssue(
          CODES.normShape,
          `batch_norm needs num_batches_tracked as a scalar, got ${formatShape(count.shape)}`,
          5,
        );
      }
    }
    const floats = [0, 1, 2, 3, 4].filter((k) => args[k] !== undefined);
    return {
      shape: [...args[0].shape],
      dtype: floatDtype(
        'batch_norm',
        floats.map((k) => args[k]),
        floats.map((k) => OPERANDS[k]),
        mode,
      ),
    };
  },
  prepare([x]) {
    const inner = x.slice(2).reduce((a, b) => a * b, 1);
    return { n: x[0], channels: x[1], inner };
  },
  forward(call) {
    const {
      inputs: [x, runningMean, runningVar, weight, bias, count],
      shapes,
      out,
      attrs,
      prepared: p,
      context,
    } = call;
    const mean = call.scratch('mean', p.channels, 'float64') as Float64Array;
    const invstd = call.scratch('invstd', p.channels, 'float64') as Float64Array;
    // The mode of this forward, for its backward (the plan's context moves on with the model).
    call.scratch('training', 1, 'int32')[0] = context.training ? 1 : 0;
    if (context.training) {
      const values = p.n * p.inner;
      if (values < 2) {
        throw new ValueError(
          `batch_norm: expected more than 1 value per channel when training, got input of shape ${formatShape(shapes[0])}`,
        );
      }
      const variance = call.scratch('variance', p.channels, 'float64') as Float64Array;
      batchNormStatistics(x, p, attrs.eps, mean, invstd, variance);
      if (runningMean && runningVar) {
        updateRunningStatistics(runningMean, runningVar, mean, variance, attrs.momentum, values);
      }
      if (count) count[0] += 1;
    } else {
      if (!runningMean || !runningVar) {
        throw new ValueError(
          'batch_norm: running_mean and running_var are needed in eval mode (training false)',
        );
      }
      for (let c = 0; c < p.channels; c++) {
        mean[c] = runningMean[c];
        invstd[c] = 1 / Math.sqrt(runningVar[c] + attrs.eps);
      }
    }
    batchNormApply(x, p, mean, invstd, weight, bias, out);
  },
  backward(call) {
    const {
      inputs: [x, , , weight],
      grad,
      grads: [gx, , , gw, gb],
      prepared: p,
    } = call;
    const mean = call.scratch('mean', p.channels, 'float64') as Float64Array;
    const invstd = call.scratch('invstd', p.channels, 'float64') as Float64Array;
    const training = call.scratch('training', 1, 'int32')[0] === 1;
    batchNormBackward(grad, x, p, mean, invstd, weight, training, gx, gw ?? null, gb ?? null);
  },
  saves: [0, 3],
  torch:
    'batch_norm(input, running_mean, running_var, weight, bias, num_batches_tracked, training, momentum, eps)',
  onnx: 'BatchNormalization',
  module: [batchNormKind('batch_norm1d'), batchNormKind('batch_norm2d')],
  examples: [
    {
      name: '[6,3] training, every operand',
      inputs: [
        randn([6, 3]),
        constant(randn([3], 0.5)),
        constant(uniform(0.5, 2, [3])),
        randn([3]),
        randn([3]),
        labels([], 5),
      ],
    },
    {
      name: '[2,3,4] training without affine, momentum 0.3, eps 1e-3',
      inputs: [randn([2, 3, 4]), constant(randn([3])), constant(uniform(0.5, 2, [3]))],
      attrs: { momentum: 0.3, eps: 1e-3 },
    },
    {
      name: '[2,3,2,2] training',
      inputs: [
        randn([2, 3, 2, 2], 2),
        constant(randn([3])),
        constant(uniform(0.5, 2, [3])),
        randn([3]),
        randn([3]),
      ],
    },
    {
      name: '[3,2,4] training without running statistics',
      inputs: [randn([3, 2, 4]), absent(), absent(), randn([2]), randn([2])],
    },
    {
      name: '[2,3,2,2] eval uses the running statistics',
      inputs: [
        randn([2, 3, 2, 2]),
        constant(randn([3], 0.5)),
        constant(uniform(0.5, 2, [3])),
        randn([3]),
        randn([3]),
        labels([], 5),
      ],
      training: false,
    },
    {
      name: '[5,2] eval without affine',
      inputs: [randn([5, 2]), constant(randn([2])), constant(uniform(0.5, 2, [2]))],
      training: false,
    },
    {
      name: 'magnitude 1000, training',
      inputs: [exact([6, 2], OFFSET), constant(randn([2])), constant(uniform(0.5, 2, [2]))],
    },
  ],
});
