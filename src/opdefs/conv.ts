import {
  type ConvLayout,
  convBackwardInput,
  convBackwardWeight,
  convForward,
  convLayout,
} from '../kernels/conv.js';
import { attrList, bool, int, intOrInts, perAxis } from './attrs.js';
import { defineOp } from './define.js';
import { type Dim, formatShape } from './dims.js';
import { constant, type OpExample, randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { floatDtype } from './shape-rules.js';
import type { OpDef, ResolvedInit } from './types.js';
import { batchedSizes, spatialInput, type Window, windowOutput } from './window.js';

/**
 * padding: one integer for every spatial axis, one per axis, or a word: 'valid' is none,
 * 'same' pads so that the output is as large as the input (stride 1 only, as torch), the
 * extra position of an odd total on the right/bottom as torch puts it.
 */
type Padding = number | number[] | 'same' | 'valid';

interface ConvAttrs {
  stride: number | number[];
  padding: Padding;
  dilation: number | number[];
  groups: number;
}

const SPATIAL: Record<1 | 2, string> = { 1: 'length', 2: 'height, width' };

/** The window of a convolution whose kernel has the sizes `kernel`. */
function convWindow(op: string, kernel: number[], attrs: ConvAttrs): Window {
  const n = kernel.length;
  const stride = perAxis(attrs.stride, n);
  const dilation = perAxis(attrs.dilation, n);
  if (attrs.padding === 'same' && stride.some((s) => s !== 1)) {
    throw new ShapeIssue(
      CODES.badAttr,
      `${op}: padding='same' needs stride 1 (torch refuses it for strided convolutions), got stride ${attrs.stride}`,
    );
  }
  if (attrs.padding === 'valid' || attrs.padding === 'same') {
    const total = kernel.map((k, i) => (attrs.padding === 'same' ? dilation[i] * (k - 1) : 0));
    const before = total.map((t) => Math.floor(t / 2));
    return { kernel, stride, dilation, before, after: total.map((t, i) => t - before[i]) };
  }
  const padding = perAxis(attrs.padding, n);
  return { kernel, stride, dilation, before: padding, after: padding };
}

/** A message when `out` and the input's channels do not split into `groups`. */
function groupsProblem(op: string, channels: number, out: number, groups: number): string | null {
  if (channels % groups !== 0) {
    return `${op}: the input's ${channels} channels do not split into groups=${groups}`;
  }
  if (out % groups !== 0) {
    return `${op}: ${out} output channels do not split into groups=${groups}`;
  }
  return null;
}

function convolution(rank: 1 | 2): OpDef<ConvAttrs, ConvLayout> {
  const name = `conv${rank}d`;
  const weightAxes = `[out_channels, in_channels / groups, ${rank === 1 ? 'kernel' : 'kh, kw'}]`;
  const attrs = {
    stride: intOrInts(1, 'the step between windows', rank, { min: 1 }),
    padding: intOrInts(
      0,
      "zeros added on both sides of each spatial axis, or 'same' (output as large as the input, stride 1) or 'valid' (none)",
      rank,
      { min: 0, choices: ['same', 'valid'] },
    ),
    dilation: intOrInts(1, 'the spacing between kernel elements', rank, { min: 1 }),
    groups: int(1, 'input and output channels split into this many independent groups', {
      min: 1,
    }),
  };
  return defineOp<ConvAttrs, ConvLayout>({
    name,
    family: 'convolution',
    gradFn: 'ConvolutionBackward',
    doc: `torch.nn.functional.${name}: cross-correlation of input [batch, in_channels, ${SPATIAL[rank]}] (or unbatched) with weight ${weightAxes}, plus bias [out_channels]`,
    gradient: 'input: Wᵀ·G summed back over the windows (col2im); weight: G·colsᵀ; bias: Σ G',
    operands: ['input', 'weight', 'bias?'],
    options: 'ConvOptions',
    attrs,
    infer([x, weight, bias], attrs, mode) {
      const input = spatialInput(name, x, rank);
      if (weight.shape.length !== rank + 2) {
        throw new ShapeIssue(
          CODES.axis,
          `${name} needs a weight ${weightAxes}, got ${formatShape(weight.shape)}`,
          1,
        );
      }
      const [out, perGroup, ...kernel] = weight.shape;
      if (kernel.some((k) => typeof k !== 'number') || typeof perGroup !== 'number') {
        throw new ShapeIssue(
          CODES.symbolic,
          `${name} needs a weight of fixed size, got ${formatShape(weight.shape)}`,
          1,
        );
      }
      const { groups } = attrs;
      if (typeof out === 'number' && out % groups !== 0) {
        throw new ShapeIssue(
          CODES.groups,
          `${name}: weight ${formatShape(weight.shape)} has ${out} output channels, which do not split into groups=${groups}`,
          1,
        );
      }
      const channels = perGroup * groups;
      if (input.channels !== channels) {
        const symbolic = typeof input.channels === 'string';
        throw new ShapeIssue(
          symbolic ? CODES.symbolic : CODES.contraction,
          `${name}: input ${formatShape(x.shape)} has ${input.channels} channels, but weight ${formatShape(weight.shape)}${groups === 1 ? '' : ` with groups=${groups}`} takes ${channels}${symbolic ? ` (${input.channels} vs ${channels} cannot be proven equal)` : ''}`,
        );
      }
      if (bias && (bias.shape.length !== 1 || bias.shape[0] !== out)) {
        throw new ShapeIssue(
          CODES.contraction,
          `${name} needs a bias of shape [${out}] for weight ${formatShape(weight.shape)}, got ${formatShape(bias.shape)}`,
          2,
        );
      }
      const window = convWindow(name, kernel as number[], attrs);
      const spatial = windowOutput(name, 'kernel', input.spatial, window);
      const batch: Dim[] = input.batched ? [x.shape[0]] : [];
      return {
        shape: [...batch, out, ...spatial],
        dtype: floatDtype(
          name,
          [x, weight, ...(bias ? [bias] : [])],
          ['input', 'weight', 'bias'],
          mode,
        ),
      };
    },
    prepare([x, weight], _shape, attrs) {
      const [batch, inChannels, ...spatial] = batchedSizes(x, rank);
      const [outChannels, , ...kernel] = weight;
      const w = convWindow(name, kernel, attrs);
      const [height, width] = rank === 2 ? spatial : [1, spatial[0]];
      const two = (values: number[], fill: number) => (rank === 2 ? values : [fill, values[0]]);
      const [kernelHeight, kernelWidth] = two(kernel, 1);
      const [strideHeight, strideWidth] = two(w.stride, 1);
      const [dilationHeight, dilationWidth] = two(w.dilation, 1);
      const [padTop, padLeft] = two(w.before, 0);
      const [padBottom, padRight] = two(w.after, 0);
      return convLayout({
        batch,
        inChannels,
        height,
        width,
        outChannels,
        kernelHeight,
        kernelWidth,
        strideHeight,
        strideWidth,
        padTop,
        padBottom,
        padLeft,
        padRight,
        dilationHeight,
        dilationWidth,
        groups: attrs.groups,
      });
    },
    forward({ inputs: [x, weight, bias], out, prepared: l, scratch }) {
      const col = l.direct ? null : scratch('col', l.k * l.p);
      convForward(x, weight, bias ?? null, out, l, col);
    },
    backward({ inputs: [x, weight], grad, grads: [gx, gw, gb], prepared: l, scratch }) {
      const col = l.direct ? null : scratch('col', l.k * l.p);
      if (gx) convBackwardInput(grad, weight, gx, l, col);
      if (gw || gb) convBackwardWeight(x, grad, gw, gb ?? null, l, col);
    },
    saves: [0, 1],
    torch: `F.${name}(input, weight, bias, stride, padding, dilation, groups)`,
    onnx: 'Conv',
    examples: rank === 2 ? CONV2D_EXAMPLES : CONV1D_EXAMPLES,
    module: {
      main: 'out',
      args: attrList({
        out: int(undefined, 'output channels', { min: 1 }),
        kernel: intOrInts(undefined, 'kernel size', rank, { min: 1 }),
        ...attrs,
        bias: bool(true, 'whether the layer adds a learned bias'),
      }),
      params(inShape, args, inName) {
        const { channels } = spatialInput(name, { shape: [...inShape], dtype: 'float32' }, rank);
        if (typeof channels !== 'number') {
          return `${name} layer needs a fixed number of input channels, but its input '${inName}' is ${formatShape(inShape)} (${rank === 2 ? 'NCHW' : 'NCL'}: channels come before the ${SPATIAL[rank]} axes)`;
        }
        const out = args.out as number;
        const groups = args.groups as number;
        const problem = groupsProblem(name, channels, out, groups);
        if (problem) throw new ShapeIssue(CODES.groups, problem);
        const kernel = perAxis(args.kernel as number | number[], rank);
        const receptive = kernel.reduce((a, b) => a * b, 1);
        const fanIn = (channels / groups) * receptive;
        // torch's _ConvNd.reset_parameters: kaiming_uniform(a = √5); bias U(±1/√fan_in).
        const weight = {
          name: 'weight',
          shape: [out, channels / groups, ...kernel],
          init: {
            kind: 'kaiming_uniform',
            a: Math.sqrt(5),
            mode: 'fan_in',
            nonlinearity: 'leaky_relu',
            fanIn,
            fanOut: out * receptive,
          } satisfies ResolvedInit,
        };
        if (!args.bias) return [weight];
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        return [
          weight,
          { name: 'bias', shape: [out], init: { kind: 'uniform', low: -bound, high: bound } },
        ];
      },
      attrs: ({ stride, padding, dilation, groups }) => ({ stride, padding, dilation, groups }),
    },
  });
}

const CONV2D_EXAMPLES: OpExample[] = [
  {
    name: '[2,3,5,5] 3x3 with bias',
    inputs: [randn([2, 3, 5, 5]), randn([4, 3, 3, 3]), randn([4])],
  },
  {
    name: 'stride 2, padding 1, no bias',
    inputs: [randn([2, 2, 6, 5]), randn([3, 2, 3, 3])],
    attrs: { stride: 2, padding: 1 },
  },
  {
    name: 'stride, padding and dilation per axis, rectangular kernel',
    inputs: [randn([1, 2, 7, 8]), randn([3, 2, 2, 3]), randn([3])],
    attrs: { stride: [1, 2], padding: [2, 1], dilation: [2, 1] },
  },
  {
    name: 'groups 2',
    inputs: [randn([2, 4, 5, 5]), randn([6, 2, 3, 3]), randn([6])],
    attrs: { groups: 2, padding: 1 },
  },
  {
    name: 'depthwise (groups = channels), stride 3 skips input',
    inputs: [randn([1, 3, 7, 7]), randn([3, 1, 2, 2]), randn([3])],
    attrs: { groups: 3, stride: 3 },
  },
  {
    name: "padding 'same' with an even kernel and dilation (extra on the right)",
    inputs: [randn([1, 2, 5, 6]), randn([3, 2, 2, 4]), randn([3])],
    attrs: { padding: 'same', dilation: [1, 2] },
  },
  {
    name: "padding 'valid'",
    inputs: [randn([2, 1, 4, 5]), randn([2, 1, 3, 2])],
    attrs: { padding: 'valid' },
  },
  {
    name: '1x1 (the input is its own columns)',
    inputs: [randn([2, 3, 3, 4]), randn([5, 3, 1, 1]), randn([5])],
  },
  {
    name: 'unbatched [3,5,5]',
    inputs: [randn([3, 5, 5]), randn([2, 3, 3, 3]), randn([2])],
    attrs: { padding: 1 },
  },
  {
    name: 'kernel as large as the padded input, a constant input',
    inputs: [constant(randn([2, 1, 3, 3])), randn([2, 1, 5, 5]), randn([2])],
    attrs: { padding: 1 },
  },
  {
    name: 'magnitude 1000',
    inputs: [randn([1, 2, 4, 4], 1000), randn([2, 2, 3, 3]), randn([2], 1000)],
  },
];

const CONV1D_EXAMPLES: OpExample[] = [
  { name: '[2,3,7] kernel 3 with bias', inputs: [randn([2, 3, 7]), randn([4, 3, 3]), randn([4])] },
  {
    name: 'stride 2, padding 1, dilation 2, no bias',
    inputs: [randn([2, 2, 9]), randn([3, 2, 3])],
    attrs: { stride: 2, padding: 1, dilation: 2 },
  },
  {
    name: 'groups 2, padding as a list',
    inputs: [randn([2, 4, 6]), randn([4, 2, 3]), randn([4])],
    attrs: { groups: 2, padding: [2] },
  },
  {
    name: "padding 'same' with an even kernel",
    inputs: [randn([2, 2, 6]), randn([3, 2, 4]), randn([3])],
    attrs: { padding: 'same' },
  },
  {
    name: 'kernel 1 (the input is its own columns)',
    inputs: [randn([2, 3, 5]), randn([2, 3, 1]), randn([2])],
  },
  {
    name: 'unbatched [3,6]',
    inputs: [randn([3, 6]), randn([2, 3, 3]), randn([2])],
    attrs: { padding: 'valid' },
  },
];

export const CONV1D = convolution(1);
export const CONV2D = convolution(2);
