import { type MatmulKernel, matmulReference } from './matmul.js';
import { createWasmMatmul } from './matmul-wasm.js';

/**
 * The kernels ops call through, so a faster backend can be put in without touching ops or
 * autograd. By default products of at least WASM_MIN_WORK multiply-adds run on the WebAssembly
 * SIMD kernel (loaded on first use; its absence falls back silently) and smaller ones on the
 * plain TypeScript reference, whose per-call cost is lower. Both are deterministic, so the same
 * seed gives the same numbers run after run.
 */
const WASM_MIN_WORK = 512;

let threads = 1;
let wasm: MatmulKernel | null | undefined;
let chosen: MatmulKernel | null = null;

function wasmKernel(): MatmulKernel | null {
  if (wasm === undefined) wasm = createWasmMatmul({ threads });
  return wasm;
}

const automatic: MatmulKernel = (a, b, out, m, k, n, transA, transB, accumulate) => {
  const kernel = m * k * n >= WASM_MIN_WORK ? (wasmKernel() ?? matmulReference) : matmulReference;
  kernel(a, b, out, m, k, n, transA, transB, accumulate);
};

export function matmulKernel(): MatmulKernel {
  return chosen ?? automatic;
}

/** Puts in a kernel of one's own (tests, benchmarks); null goes back to the automatic choice. */
export function setMatmulKernel(kernel: MatmulKernel | null): void {
  chosen = kernel === automatic ? null : kernel;
}

/**
 * Threads per large matmul, counting the caller (default 1). Output rows are split between
 * worker threads, and the result is bit-identical to one thread's.
 */
export function setKernelThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`kernel threads must be a whole number >= 1, got ${count}`);
  }
  if (count === threads) return;
  threads = count;
  wasm = undefined;
}
