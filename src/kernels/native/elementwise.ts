import { addIntoReference } from '../add-into.js';
import { type ReluGradKernel, reluGradReference } from '../relu-grad.js';
import { type SgdUpdateKernel, sgdUpdateReference } from '../sgd.js';
import type { NumArray } from '../types.js';
import { loadNativeAddon } from './addon.js';
import { type NativeKernelOptions, threadsOf } from './options.js';

/**
 * The SGD update of sgdUpdateReference, natively on the arrays in place: the same bits (float64
 * arithmetic, one rounding per stored value). Null without the addon; arrays that are not all
 * Float32Array, or of other lengths than param, go to the reference.
 */
export function createNativeSgdUpdate(options: NativeKernelOptions = {}): SgdUpdateKernel | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return (param, grad, buffer, lr, momentum, keep) => {
    if (
      param instanceof Float32Array &&
      grad instanceof Float32Array &&
      grad.length === param.length &&
      (buffer === null || (buffer instanceof Float32Array && buffer.length === param.length))
    ) {
      addon.sgdUpdate(param, grad, buffer, lr, momentum, keep, threads);
    } else {
      sgdUpdateReference(param, grad, buffer, lr, momentum, keep);
    }
  };
}

/** reluGradReference natively (the same bits), or null without the addon. */
export function createNativeReluGrad(options: NativeKernelOptions = {}): ReluGradKernel | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return (g, out, dst) => {
    if (g.length >= dst.length && out.length >= dst.length)
      addon.reluBackward(g, out, dst, threads);
    else reluGradReference(g, out, dst);
  };
}

/** dst[i] += src[i] over dst (addIntoReference, the same bits) natively, or null without the addon. */
export function createNativeAddInto(
  options: NativeKernelOptions = {},
): ((dst: NumArray, src: NumArray) => void) | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return (dst, src) => {
    if (dst instanceof Float32Array && src instanceof Float32Array && src.length >= dst.length) {
      addon.addInto(dst, src, threads);
    } else {
      addIntoReference(dst, src);
    }
  };
}
