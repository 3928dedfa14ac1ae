import {
  adaptiveAvgPoolBackward,
  adaptiveAvgPoolForward,
  avgPoolBackward,
  avgPoolForward,
  maxPoolBackward,
  maxPoolForward,
  type PoolGeometry,
} from '../kernels/pool.js';
import { intOrInts, perAxis } from './attrs.js';
import { defineOp } from './define.js';
import { formatShape } from './dims.js';
import { exact, type OpExample, randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { floatDtype } from './shape-rules.js';
import type { OpDef } from './types.js';
import { batchedSizes, spatialInput, type Window, windowOutput } from './window.js';

interface PoolAttrs {
  kernel: number | number[];
  /** null: the kernel (torch's default). */
  stride: number | number[] | null;
  padding: number | number[];
}

const SPATIAL: Record<1 | 2, string> = { 1: 'length', 2: 'height, width' };

function poolWindow(op: string, rank: number, attrs: PoolAttrs): Window {
  const kernel = perAxis(attrs.kernel, rank);
  const padding = perAxis(attrs.padding, rank);
  const bad = padding.findIndex((p, i) => p > kernel[i] / 2);
  if (bad >= 0) {
    throw new ShapeIssue(
      CODES.badAttr,
      `${op}: padding ${padding[bad]} is more than half the kernel ${kernel[bad]} (torch: pad should be at most half of kernel size)`,
    );
  }
  return {
    kernel,
    stride: attrs.stride === null ? kernel : perAxis(attrs.stride, rank),
    before: padding,
    after: padding,
    dilation: kernel.map(() => 1),
  };
}

/** The planes (batch·channels) and the 2-D geometry of a pool on concrete sizes. */
function poolGeometry(
  op: string,
  rank: number,
  x: readonly number[],
  attrs: PoolAttrs,
): PoolGeometry {
  const [batch, channels, ...spatial] = batchedSizes(x, rank);
  const w = poolWindow(op, rank, attrs);
  const out = windowOutput(op, 'kernel', spatial, w) as number[];
  const two = (values: number[], fill: number) => (rank === 2 ? values : [fill, values[0]]);
  const [height, width] = two(spatial, 1);
  const [kernelHeight, kernelWidth] = two(w.kernel, 1);
  const [strideHeight, strideWidth] = two(w.stride, 1);
  const [padTop, padLeft] = two(w.before, 0);
  const [outHeight, outWidth] = two(out, 1);
  return {
    planes: batch * channels,
    height,
    width,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padTop,
    padLeft,
    outHeight,
    outWidth,
  };
}

function pool(kind: 'max' | 'avg', rank: 1 | 2): OpDef<PoolAttrs, PoolGeometry> {
  const name = `${kind}_pool${rank}d`;
  const max = kind === 'max';
  const over = rank === 1 ? 'length axis' : 'height and width axes';
  return defineOp<PoolAttrs, PoolGeometry>({
    name,
    family: 'pooling',
    // torch's names (its 1-D pools run as 2-D ones).
    gradFn: max ? `MaxPool${rank}DWithIndicesBackward` : `AvgPool${rank}DBackward`,
    doc: max
      ? `torch.nn.functional.${name}: the maximum of each window over the ${over} of [batch, channels, ${SPATIAL[rank]}] (or unbatched); padding never wins`
      : `torch.nn.functional.${name}: the mean of each window over the ${over} of [batch, channels, ${SPATIAL[rank]}] (or unbatched), padding counted as zeros (count_include_pad=True)`,
    gradient: max
      ? "g to each window's maximum (the first, scanning row by row), summed where windows share it"
      : 'g / window size spread over each window, summed where windows overlap',
    operands: ['input'],
    options: 'PoolOptions',
    attrs: {
      kernel: intOrInts(undefined, 'window size', rank, { min: 1 }),
      stride: intOrInts(null, 'the step between windows (null: the kernel)', rank, { min: 1 }),
      padding: intOrInts(0, 'padding on both sides of each axis, at most half the kernel', rank, {
        min: 0,
      }),
    },
    infer([x], attrs, mode) {
      const input = spatialInput(name, x, rank);
      const spatial = windowOutput(name, 'kernel', input.spatial, poolWindow(name, rank, attrs));
      return {
        shape: [...x.shape.slice(0, x.shape.length - rank), ...spatial],
        dtype: floatDtype(name, [x], ['input'], mode),
      };
    },
    prepare: ([x], _shape, attrs) => poolGeometry(name, rank, x, attrs),
    forward: max
      ? (call) =>
          maxPoolForward(
            call.inputs[0],
            call.out,
            call.scratch('at', call.out.length, 'int32') as Int32Array,
            call.prepared,
          )
      : ({ inputs: [x], out, prepared }) => avgPoolForward(x, out, prepared),
    backward: max
      ? (call) => {
          const gx = call.grads[0];
          const at = call.scratch('at', call.out.length, 'int32') as Int32Array;
          if (gx) maxPoolBackward(call.grad, at, gx, call.prepared);
        }
      : ({ grad, grads: [gx], prepared }) => {
          if (gx) avgPoolBackward(grad, gx, prepared);
        },
    saves: [],
    torch: `F.${name}(input, kernel, stride, padding)`,
    onnx: max ? 'MaxPool' : 'AveragePool',
    module: {},
    examples: rank === 2 ? POOL2D_EXAMPLES : POOL1D_EXAMPLES,
  });
}

const POOL2D_EXAMPLES: OpExample[] = [
  { name: '[2,3,4,4] kernel 2', inputs: [randn([2, 3, 4, 4])], attrs: { kernel: 2 } },
  {
    name: 'kernel 3, stride 2, padding 1 (overlapping windows)',
    inputs: [randn([1, 2, 5, 6])],
    attrs: { kernel: 3, stride: 2, padding: 1 },
  },
  {
    name: 'kernel, stride and padding per axis',
    inputs: [randn([2, 1, 5, 7])],
    attrs: { kernel: [2, 3], stride: [1, 2], padding: [1, 0] },
  },
  {
    name: 'kernel 2 on an odd size (the last row and column left out)',
    inputs: [randn([1, 2, 5, 5])],
    attrs: { kernel: 2 },
  },
  { name: 'unbatched [2,4,6]', inputs: [randn([2, 4, 6])], attrs: { kernel: [2, 3] } },
  {
    name: 'magnitude 1000, all negative, padded',
    inputs: [exact([1, 1, 3, 3], [-1000, -999, -1001, -998, -1000.5, -997, -1002, -996, -999.5])],
    attrs: { kernel: 2, stride: 1, padding: 1 },
  },
];

const POOL1D_EXAMPLES: OpExample[] = [
  { name: '[2,3,8] kernel 2', inputs: [randn([2, 3, 8])], attrs: { kernel: 2 } },
  {
    name: 'kernel 3, stride 2, padding 1',
    inputs: [randn([2, 2, 7])],
    attrs: { kernel: 3, stride: 2, padding: 1 },
  },
  { name: 'unbatched [3,5], kernel as a list', inputs: [randn([3, 5])], attrs: { kernel: [2] } },
];

interface AdaptiveAttrs {
  out: number | number[];
}

interface AdaptiveLayout {
  planes: number;
  size: number[];
  out: number[];
}

const ADAPTIVE_AVG_POOL2D = defineOp<AdaptiveAttrs, AdaptiveLayout>({
  name: 'adaptive_avg_pool2d',
  family: 'pooling',
  gradFn: 'AdaptiveAvgPool2DBackward',
  doc: 'torch.nn.functional.adaptive_avg_pool2d: the mean over windows that split height and width into out pieces; window i of n over size s is [⌊i·s/n⌋, ⌈(i+1)·s/n⌉)',
  gradient: 'g / window size spread over each window',
  operands: ['input'],
  attrs: { out: intOrInts(undefined, 'output height and width', 2, { min: 1 }) },
  infer([x], attrs, mode) {
    const input = spatialInput('adaptive_avg_pool2d', x, 2);
    if (input.spatial.includes(0)) {
      throw new ShapeIssue(
        CODES.window,
        `adaptive_avg_pool2d needs a non-empty height and width, got ${formatShape(x.shape)}`,
      );
    }
    return {
      shape: [...x.shape.slice(0, -2), ...perAxis(attrs.out, 2)],
      dtype: floatDtype('adaptive_avg_pool2d', [x], ['input'], mode),
    };
  },
  prepare([x], _shape, attrs) {
    const [batch, channels, ...size] = batchedSizes(x, 2);
    return { planes: batch * channels, size, out: perAxis(attrs.out, 2) };
  },
  forward: ({ inputs: [x], out, prepared: p }) =>
    adaptiveAvgPoolForward(x, out, p.planes, p.size, p.out),
  backward({ grad, grads: [gx], prepared: p }) {
    if (gx) adaptiveAvgPoolBackward(grad, gx, p.planes, p.size, p.out);
  },
  saves: [],
  torch: 'F.adaptive_avg_pool2d(input, out)',
  module: {},
  examples: [
    {
      name: '[2,3,7,5] to 3x2 (windows overlap)',
      inputs: [randn([2, 3, 7, 5])],
      attrs: { out: [3, 2] },
    },
    { name: 'to 1 (global average)', inputs: [randn([2, 4, 3, 3])], attrs: { out: 1 } },
    {
      name: 'to more than the input (windows repeat)',
      inputs: [randn([1, 2, 2, 3])],
      attrs: { out: [3, 4] },
    },
    { name: 'unbatched [2,4,4] to 2', inputs: [randn([2, 4, 4])], attrs: { out: 2 } },
  ],
});

export const MAX_POOL1D = pool('max', 1);
export const MAX_POOL2D = pool('max', 2);
export const AVG_POOL1D = pool('avg', 1);
export const AVG_POOL2D = pool('avg', 2);
export { ADAPTIVE_AVG_POOL2D };
