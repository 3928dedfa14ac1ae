import type { LinearForwardKernel } from '../linear-wasm.js';
import { linearForwardReference } from '../linear-wasm.js';
import { type MatmulKernel, matmulReference } from '../matmul.js';
import type { NumArray } from '../types.js';
import { loadNativeAddon } from './addon.js';
import { type NativeKernelOptions, threadsOf } from './options.js';

/**
 * out[m×n] = act((out +) op(A)·op(B) + bias), row-major, op(A) m×k (stored k×m with transA),
 * op(B) k×n (stored n×k with transB), bias one value per column or null. Bias and activation
 * apply after the whole product (and after adding the old out when accumulating).
 */
export type NativeGemmKernel = (
  a: NumArray,
  b: NumArray,
  out: NumArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
  bias: NumArray | null,
  activation: 'none' | 'relu',
) => void;

/** The reference numbers of NativeGemmKernel, for operands that are not all float32. */
const gemmReference: NativeGemmKernel = (a, b, out, m, k, n, ta, tb, accumulate, bias, act) => {
  matmulReference(a, b, out, m, k, n, ta, tb, accumulate);
  if (bias === null && act === 'none') return;
  for (let i = 0; i < m * n; i++) {
    const v = out[i] + (bias === null ? 0 : bias[i % n]);
    // Math.max keeps NaN as NaN (as torch.relu) and turns -0 into 0, as the native kernel does.
    out[i] = act === 'relu' ? Math.max(v, 0) : v;
  }
};

/**
 * The native GEMM with its fused epilogue, or null when the addon is unavailable (nativeStatus
 * says why). Float32Arrays are used in place; other array types (float64 gradient checks) go to
 * the reference kernels, which keep their precision.
 */
export function createNativeGemm(options: NativeKernelOptions = {}): NativeGemmKernel | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return (a, b, out, m, k, n, transA, transB, accumulate, bias, activation) => {
    if (
      a instanceof Float32Array &&
      b instanceof Float32Array &&
      out instanceof Float32Array &&
      (bias === null || bias instanceof Float32Array)
    ) {
      const relu = activation === 'relu';
      addon.gemm(a, b, out, m, k, n, transA, transB, accumulate, bias, relu, threads);
    } else {
      gemmReference(a, b, out, m, k, n, transA, transB, accumulate, bias, activation);
    }
  };
}

/** The native matmul behind the MatmulKernel contract, or null when the addon is unavailable. */
export function createNativeMatmul(options: NativeKernelOptions = {}): MatmulKernel | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return (a, b, out, m, k, n, transA, transB, accumulate) => {
    if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) {
      addon.gemm(a, b, out, m, k, n, transA, transB, accumulate, null, false, threads);
    } else {
      matmulReference(a, b, out, m, k, n, transA, transB, accumulate);
    }
  };
}

/**
 * act(x · wᵀ + bias) in one native call (w in torch layout, n×k), or null when the addon is
 * unavailable: the same numbers as the matmul followed by the bias and the activation.
 */
export function createNativeLinear(options: NativeKernelOptions = {}): LinearForwardKernel | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  const threads = threadsOf(options);
  return (x, w, bias, out, m, k, n, activation) => {
    if (
      x instanceof Float32Array &&
      w instanceof Float32Array &&
      out instanceof Float32Array &&
      (bias === null || bias instanceof Float32Array)
    ) {
      addon.gemm(x, w, out, m, k, n, false, true, false, bias, activation === 'relu', threads);
    } else {
      linearForwardReference(x, w, bias, out, m, k, n, activation);
    }
  };
}
