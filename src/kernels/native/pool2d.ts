import { loadNativeAddon } from './addon.js';
import { type NativeKernelOptions, threadsOf } from './options.js';

/**
 * A 2-D max pooling's sizes, NCHW, with torch.nn.functional.max_pool2d's meaning (padding on
 * both sides, at most half the kernel; ceilMode rounds the output size up).
 */
export interface MaxPool2dShape {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  ceilMode: boolean;
}

function extent(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // torch: with ceilMode the last window must start inside the input or the left padding.
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

/** [outHeight, outWidth] of a max pooling. */
export function maxPool2dOutputSize(s: MaxPool2dShape): [number, number] {
  return [
    extent(s.height, s.kernelHeight, s.strideHeight, s.padHeight, s.dilationHeight, s.ceilMode),
    extent(s.width, s.kernelWidth, s.strideWidth, s.padWidth, s.dilationWidth, s.ceilMode),
  ];
}

/** Max pooling and its gradient on Float32Arrays in place; argmax holds flat plane indices. */
export interface NativeMaxPool2dKernels {
  /** out and argmax [batch, channels, outHeight, outWidth]; NaN wins a window, as in torch. */
  forward(x: Float32Array, out: Float32Array, argmax: Int32Array, shape: MaxPool2dShape): void;
  /** gradX (= or +=) gradOut routed to each window's argmax. */
  backward(
    gradOut: Float32Array,
    argmax: Int32Array,
    gradX: Float32Array,
    shape: MaxPool2dShape,
    accumulate: boolean,
  ): void;
}

function geometry(s: MaxPool2dShape): number[] {
  return [
    s.batch * s.channels,
    s.height,
    s.width,
    s.kernelHeight,
    s.kernelWidth,
    s.strideHeight,
    s.strideWidth,
    s.padHeight,
    s.padWidth,
    s.dilationHeight,
    s.dilationWidth,
    s.ceilMode ? 1 : 0,
  ];
}

/** Native max pooling kernels, or null without the addon (nativeStatus says why). */
export function createNativeMaxPool2d(
  options: NativeKernelOptions = {},
): NativeMaxPool2dKernels | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return {
    forward: (x, out, argmax, shape) =>
      addon.maxPool2dForward(x, out, argmax, geometry(shape), threads),
    backward: (gradOut, argmax, gradX, shape, accumulate) =>
      addon.maxPool2dBackward(gradOut, argmax, gradX, geometry(shape), accumulate, threads),
  };
}
