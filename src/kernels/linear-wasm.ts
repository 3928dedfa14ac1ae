import { type MatmulKernel, matmulReference } from './matmul.js';
import type { NumArray } from './types.js';
import { loadWasmKernels } from './wasm/instance.js';
import { PARALLEL_MIN_FLOPS, type WasmKernelOptions } from './wasm/options.js';
import { BlockKernel, sharedWorkerPool, WorkerPool } from './wasm/pool.js';

export type LinearActivation = 'none' | 'relu';

/**
 * out[m×n] = activation(x[m×k] · w[n×k]ᵀ + bias[n]) with the weight in torch layout (one row per
 * output feature); `bias` null means no bias.
 */
export type LinearForwardKernel = (
  x: NumArray,
  w: NumArray,
  bias: NumArray | null,
  out: NumArray,
  m: number,
  k: number,
  n: number,
  activation: LinearActivation,
) => void;

/** A linear forward from any matmul kernel: the product, then bias and activation in one pass. */
export function linearWith(matmul: MatmulKernel): LinearForwardKernel {
  return (x, w, bias, out, m, k, n, activation) => {
    matmul(x, w, out, m, k, n, false, true, false);
    if (bias === null && activation === 'none') return;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = out[i * n + j] + (bias === null ? 0 : bias[j]);
        // Math.max keeps NaN as NaN (as torch.relu) and turns -0 into 0 (as wasm's f32x4.max).
        out[i * n + j] = activation === 'relu' ? Math.max(v, 0) : v;
      }
    }
  };
}

export const linearForwardReference: LinearForwardKernel = linearWith(matmulReference);

/**
 * The fused wasm SIMD linear forward (gemm with the weight read transposed, then bias and
 * activation in one pass), or null when wasm SIMD or the built module is unavailable. Like the
 * wasm matmul it computes in fp32 and sends other array types to the reference.
 */
export function createWasmLinear({
  threads = 1,
}: WasmKernelOptions = {}): LinearForwardKernel | null {
  const kernels = loadWasmKernels();
  if (kernels === null) return null;
  const { linearBlock, packAllA, packedAllABytes } = kernels.exports;
  return (x, w, bias, out, m, k, n, activation) => {
    const allF32 =
      x instanceof Float32Array &&
      w instanceof Float32Array &&
      out instanceof Float32Array &&
      (bias === null || bias instanceof Float32Array);
    if (!allF32) {
      linearForwardReference(x, w, bias, out, m, k, n, activation);
      return;
    }
    const xLen = m * k;
    const wLen = n * k;
    const outLen = m * n;
    if (x.length < xLen || w.length < wLen || out.length < outLen || (bias && bias.length < n)) {
      throw new RangeError(
        `linearForward(wasm): m=${m} k=${k} n=${n} needs x>=${xLen}, w>=${wLen}, bias>=${n}, ` +
          `out>=${outLen} elements, got ${x.length}, ${w.length}, ${bias?.length ?? 'none'}, ` +
          `${out.length}`,
      );
    }
    const threaded = threads > 1 && 2 * m * k * n >= PARALLEL_MIN_FLOPS;
    const prepack = threaded && WorkerPool.splitsByColumns(m, n);
    const [xOff, wOff, biasOff, outOff, packedOff] = kernels.place(
      [x, w, bias, out, null],
      [xLen, wLen, n, outLen, prepack ? packedAllABytes(m, k) / 4 : 0],
      [true, true, true, false, false],
    );
    const hasBias = bias !== null;
    const relu = activation === 'relu';
    if (threaded) {
      if (prepack) packAllA(xOff, m, k, false, packedOff);
      // The pool starts on the first call big enough to use it: small models never start a thread.
      sharedWorkerPool(kernels, threads - 1).run(
        BlockKernel.linear,
        [xOff, wOff, biasOff, outOff, m, k, n, +hasBias, +relu],
        m,
        n,
        threads,
        prepack ? packedOff : 0,
      );
    } else {
      linearBlock(
        xOff,
        wOff,
        biasOff,
        outOff,
        m,
        k,
        n,
        hasBias,
        relu,
        kernels.scratch(0),
        0,
        m,
        0,
        n,
        0,
      );
    }
    kernels.fetch(out, outLen, outOff);
  };
}
