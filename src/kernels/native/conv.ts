import { loadNativeAddon } from './addon.js';
import { type NativeKernelOptions, threadsOf } from './options.js';

/**
 * A 2-D convolution's sizes, NCHW, with torch.nn.functional.conv2d's meaning: input
 * [batch, inChannels, height, width], weight [outChannels, inChannels / groups, kernelHeight,
 * kernelWidth], zero padding given per side (torch's symmetric `padding` is top = bottom,
 * left = right).
 */
export interface Conv2dShape {
  batch: number;
  inChannels: number;
  height: number;
  width: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  dilationHeight: number;
  dilationWidth: number;
  groups: number;
}

/** A 1-D convolution's sizes: input [batch, inChannels, length], weight [out, in / groups, kernelSize]. */
export interface Conv1dShape {
  batch: number;
  inChannels: number;
  length: number;
  outChannels: number;
  kernelSize: number;
  stride: number;
  padLeft: number;
  padRight: number;
  dilation: number;
  groups: number;
}

/** [outHeight, outWidth] of a 2-D convolution. */
export function conv2dOutputSize(s: Conv2dShape): [number, number] {
  const extent = (size: number, pad: number, dilation: number, kernel: number, stride: number) =>
    Math.floor((size + pad - dilation * (kernel - 1) - 1) / stride) + 1;
  return [
    extent(s.height, s.padTop + s.padBottom, s.dilationHeight, s.kernelHeight, s.strideHeight),
    extent(s.width, s.padLeft + s.padRight, s.dilationWidth, s.kernelWidth, s.strideWidth),
  ];
}

/** The 2-D shape a 1-D convolution runs as: height 1, kernel height 1. */
export function conv1dAs2d(s: Conv1dShape): Conv2dShape {
  return {
    batch: s.batch,
    inChannels: s.inChannels,
    height: 1,
    width: s.length,
    outChannels: s.outChannels,
    kernelHeight: 1,
    kernelWidth: s.kernelSize,
    strideHeight: 1,
    strideWidth: s.stride,
    padTop: 0,
    padBottom: 0,
    padLeft: s.padLeft,
    padRight: s.padRight,
    dilationHeight: 1,
    dilationWidth: s.dilation,
    groups: s.groups,
  };
}

/**
 * The forward and both backward kernels of a convolution on Float32Arrays (used in place).
 * Sizes are checked natively: a wrong shape or a short array throws a RangeError naming it.
 */
export interface NativeConvKernels<Shape> {
  /** out [batch, outChannels, ...outSize] = conv(x, weight) + bias (bias null: none). */
  forward(
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    shape: Shape,
  ): void;
  /** gradX (= or +=) the gradient of conv with respect to its input. */
  backwardInput(
    gradOut: Float32Array,
    weight: Float32Array,
    gradX: Float32Array,
    shape: Shape,
    accumulate: boolean,
  ): void;
  /** gradWeight and gradBias (when not null) (= or +=) their gradients. */
  backwardWeight(
    x: Float32Array,
    gradOut: Float32Array,
    gradWeight: Float32Array,
    gradBias: Float32Array | null,
    shape: Shape,
    accumulate: boolean,
  ): void;
}

function geometry(s: Conv2dShape): number[] {
  return [
    s.batch,
    s.inChannels,
    s.height,
    s.width,
    s.outChannels,
    s.kernelHeight,
    s.kernelWidth,
    s.strideHeight,
    s.strideWidth,
    s.padTop,
    s.padBottom,
    s.padLeft,
    s.padRight,
    s.dilationHeight,
    s.dilationWidth,
    s.groups,
  ];
}

/**
 * Native 2-D convolution kernels (im2col + the native GEMM; results do not depend on the
 * thread count), or null when the addon is unavailable (nativeStatus says why).
 */
export function createNativeConv2d(
  options: NativeKernelOptions = {},
): NativeConvKernels<Conv2dShape> | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return {
    forward: (x, weight, bias, out, shape) =>
      addon.conv2dForward(x, weight, bias, out, geometry(shape), threads),
    backwardInput: (gradOut, weight, gradX, shape, accumulate) =>
      addon.conv2dBackwardInput(gradOut, weight, gradX, geometry(shape), accumulate, threads),
    backwardWeight: (x, gradOut, gradWeight, gradBias, shape, accumulate) =>
      addon.conv2dBackwardWeight(
        x,
        gradOut,
        gradWeight,
        gradBias,
        geometry(shape),
        accumulate,
        threads,
      ),
  };
}

/** Native 1-D convolution kernels (the 2-D ones at height 1), or null without the addon. */
export function createNativeConv1d(
  options: NativeKernelOptions = {},
): NativeConvKernels<Conv1dShape> | null {
  const conv = createNativeConv2d(options);
  if (conv === null) return null;
  return {
    forward: (x, weight, bias, out, shape) => conv.forward(x, weight, bias, out, conv1dAs2d(shape)),
    backwardInput: (gradOut, weight, gradX, shape, accumulate) =>
      conv.backwardInput(gradOut, weight, gradX, conv1dAs2d(shape), accumulate),
    backwardWeight: (x, gradOut, gradWeight, gradBias, shape, accumulate) =>
      conv.backwardWeight(x, gradOut, gradWeight, gradBias, conv1dAs2d(shape), accumulate),
  };
}
