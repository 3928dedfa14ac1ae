import { availableParallelism } from 'node:os';
import {
  createWasmLinear,
  type LinearForwardKernel,
  linearForwardReference,
  linearWith,
} from './linear-wasm.js';
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

/** One thread per CPU, up to four: beyond that a batch's rows split into ranges too small to pay. */
const DEFAULT_THREADS = Math.max(1, Math.min(availableParallelism(), 4));

let threads = DEFAULT_THREADS;
let wasm: MatmulKernel | null | undefined;
let wasmLinear: LinearForwardKernel | null | undefined;
let chosen: MatmulKernel | null = null;
let chosenLinear: LinearForwardKernel | null = null;

function wasmKernel(): MatmulKernel | null {
  if (wasm === undefined) wasm = createWasmMatmul({ threads });
  return wasm;
}

const automaticLinear: LinearForwardKernel = (x, w, bias, out, m, k, n, activation) => {
  let kernel = linearForwardReference;
  if (m * k * n >= WASM_MIN_WORK) {
    if (wasmLinear === undefined) wasmLinear = createWasmLinear({ threads });
    kernel = wasmLinear ?? linearForwardReference;
  }
  kernel(x, w, bias, out, m, k, n, activation);
};

const automatic: MatmulKernel = (a, b, out, m, k, n, transA, transB, accumulate) => {
  const kernel = m * k * n >= WASM_MIN_WORK ? (wasmKernel() ?? matmulReference) : matmulReference;
  kernel(a, b, out, m, k, n, transA, transB, accumulate);
};

export function matmulKernel(): MatmulKernel {
  return chosen ?? automatic;
}

/**
 * act(x · wᵀ + bias), the forward of a linear layer with its activation fused: the same numbers
 * as the matmul kernel followed by the bias and the activation, one rounding per stage.
 */
export function linearForwardKernel(): LinearForwardKernel {
  return chosenLinear ?? automaticLinear;
}

/**
 * Puts in a matmul kernel of one's own (tests, benchmarks), which linear layers then use too;
 * null goes back to the automatic choice.
 */
export function setMatmulKernel(kernel: MatmulKernel | null): void {
  chosen = kernel === automatic ? null : kernel;
  chosenLinear = chosen === null ? null : linearWith(chosen);
}

/** Threads per large kernel call, counting the caller (see setKernelThreads). */
export function kernelThreads(): number {
  return threads;
}

/**
 * Threads per large matmul, counting the caller (default: one per CPU, at most 4). Output rows
 * are split between worker threads, and the result is bit-identical to one thread's.
 */
export function setKernelThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`kernel threads must be a whole number >= 1, got ${count}`);
  }
  if (count === threads) return;
  threads = count;
  wasm = undefined;
  wasmLinear = undefined;
}
