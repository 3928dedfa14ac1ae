import { axisSplit, sumAxis } from '../reduce.js';
import { logSoftmaxBackward, softmaxAxis, softmaxBackward } from '../softmax.js';
import type { NumArray } from '../types.js';
import { loadNativeAddon } from './addon.js';
import { type NativeKernelOptions, threadsOf } from './options.js';

/** Native drop-ins for the softmax and sum-over-an-axis references (same signatures). */
export interface NativeReductionKernels {
  /** As softmaxAxis: natively over the last axis (within float32 rounding of the reference). */
  softmaxAxis: typeof softmaxAxis;
  /** As softmaxBackward: natively over the last axis. */
  softmaxBackward: typeof softmaxBackward;
  /** As logSoftmaxBackward: natively over the last axis. */
  logSoftmaxBackward: typeof logSoftmaxBackward;
  /** As sumAxis: natively (the same bits) when the axis is the first one (a bias gradient). */
  sumAxis: typeof sumAxis;
}

function allF32(...arrays: NumArray[]): boolean {
  return arrays.every((a) => a instanceof Float32Array);
}

/**
 * Softmax, log-softmax, their gradients and first-axis sums on the native kernels, or null
 * without the addon. Other axes and array types go to the references.
 */
export function createNativeReductions(
  options: NativeKernelOptions = {},
): NativeReductionKernels | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return {
    softmaxAxis: (src, dims, axis, out, log) => {
      const [rows, length, inner] = axisSplit(dims, axis);
      if (inner === 1 && allF32(src, out)) {
        addon.softmaxRows(src as Float32Array, out as Float32Array, rows, length, log, threads);
      } else {
        softmaxAxis(src, dims, axis, out, log);
      }
    },
    softmaxBackward: (g, s, dims, axis, out) => {
      const [rows, length, inner] = axisSplit(dims, axis);
      if (inner === 1 && allF32(g, s, out)) {
        addon.softmaxRowsBackward(
          g as Float32Array,
          s as Float32Array,
          out as Float32Array,
          rows,
          length,
          false,
          threads,
        );
      } else {
        softmaxBackward(g, s, dims, axis, out);
      }
    },
    logSoftmaxBackward: (g, y, dims, axis, out) => {
      const [rows, length, inner] = axisSplit(dims, axis);
      if (inner === 1 && allF32(g, y, out)) {
        addon.softmaxRowsBackward(
          g as Float32Array,
          y as Float32Array,
          out as Float32Array,
          rows,
          length,
          true,
          threads,
        );
      } else {
        logSoftmaxBackward(g, y, dims, axis, out);
      }
    },
    sumAxis: (src, dims, axis, out) => {
      const [outer, rows, cols] = axisSplit(dims, axis);
      if (outer === 1 && allF32(src, out)) {
        addon.columnSums(src as Float32Array, out as Float32Array, rows, cols, threads);
      } else {
        sumAxis(src, dims, axis, out);
      }
    },
  };
}
