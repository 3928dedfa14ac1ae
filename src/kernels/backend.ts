import { platform } from '../platform/index.js';
import { addIntoReference, addIntoWasm } from './add-into.js';
import {
  createWasmLinear,
  type LinearForwardKernel,
  linearForwardReference,
  linearWith,
} from './linear-wasm.js';
import { type MatmulKernel, matmulReference } from './matmul.js';
import { createWasmMatmul } from './matmul-wasm.js';
import { nativeStatus } from './native/addon.js';
import { createNativeLinear, createNativeMatmul } from './native/gemm.js';
import { type ReluGradKernel, reluGradReference, reluGradWasm } from './relu-grad.js';
import { type SgdUpdateKernel, sgdUpdateReference, sgdUpdateWasm } from './sgd.js';
import type { NumArray } from './types.js';
import { loadWasmKernels } from './wasm/instance.js';

/**
 * The kernels ops and optimizers call through, one implementation per backend, so a faster
 * backend plugs in without touching op definitions or autograd (as tfjs-core's backends do).
 * The reference backend (plain TypeScript) is the oracle in tests; the WebAssembly SIMD backend
 * runs everywhere WebAssembly does; the native one (C++, built at install) is fastest where it
 * built. One backend is chosen at first use: MODELSPEC_BACKEND when set, else the best that is
 * available; backendReport() says which and why, and what the others lack.
 */
export type BackendName = 'native' | 'wasm' | 'reference';

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'wasm', 'reference'];

export interface KernelBackend {
  readonly name: BackendName;
  readonly matmul: MatmulKernel;
  /** act(x · wᵀ + bias): a linear layer's forward with its bias and activation fused. */
  readonly linearForward: LinearForwardKernel;
  readonly reluGrad: ReluGradKernel;
  /** dst += src (gradient accumulation). */
  readonly addInto: (dst: NumArray, src: NumArray) => void;
  readonly sgdUpdate: SgdUpdateKernel;
}

/**
 * Below this many multiply-adds a product runs on the reference kernel on every backend: its
 * per-call cost is lowest, and small networks then give the same bits on every backend.
 */
const MIN_WORK = 512;

/** Large products on `fast`, small ones on the reference. */
function sized(fast: MatmulKernel): MatmulKernel {
  return (a, b, out, m, k, n, transA, transB, accumulate) =>
    (m * k * n >= MIN_WORK ? fast : matmulReference)(
      a,
      b,
      out,
      m,
      k,
      n,
      transA,
      transB,
      accumulate,
    );
}

function sizedLinear(fast: LinearForwardKernel): LinearForwardKernel {
  return (x, w, bias, out, m, k, n, activation) =>
    (m * k * n >= MIN_WORK ? fast : linearForwardReference)(x, w, bias, out, m, k, n, activation);
}

const REFERENCE: KernelBackend = {
  name: 'reference',
  matmul: matmulReference,
  linearForward: linearForwardReference,
  reluGrad: reluGradReference,
  addInto: addIntoReference,
  sgdUpdate: sgdUpdateReference,
};

/** Why a backend cannot run here, or null when it can. */
function unavailable(name: BackendName): string | null {
  if (name === 'native') {
    const status = nativeStatus();
    return status.available ? null : status.reason;
  }
  if (name === 'wasm' && loadWasmKernels() === null) {
    return 'WebAssembly SIMD with shared memory is unavailable here, or dist/wasm/kernels.wasm was not built';
  }
  return null;
}

/** Builds a backend for `threads` kernel threads (assumes it is available). */
export function createBackend(name: BackendName, threads = kernelThreads()): KernelBackend {
  if (name === 'reference') return REFERENCE;
  const reason = unavailable(name);
  if (reason !== null) throw new Error(`the ${name} kernel backend is unavailable: ${reason}`);
  if (name === 'wasm') {
    return {
      name,
      matmul: sized(createWasmMatmul({ threads }) as MatmulKernel),
      linearForward: sizedLinear(createWasmLinear({ threads }) as LinearForwardKernel),
      reluGrad: reluGradWasm,
      addInto: addIntoWasm,
      sgdUpdate: sgdUpdateWasm(threads),
    };
  }
  // The native GEMM; the elementwise kernels of the wasm backend where it is available.
  const wasm = unavailable('wasm') === null;
  return {
    name,
    matmul: sized(createNativeMatmul({ threads }) as MatmulKernel),
    linearForward: sizedLinear(createNativeLinear({ threads }) as LinearForwardKernel),
    reluGrad: wasm ? reluGradWasm : reluGradReference,
    addInto: wasm ? addIntoWasm : addIntoReference,
    sgdUpdate: wasm ? sgdUpdateWasm(threads) : sgdUpdateReference,
  };
}

/** Which backend runs, why, and why each other one does not (for --version and summary). */
export interface BackendReport {
  name: BackendName;
  reason: string;
  unavailable: Partial<Record<BackendName, string>>;
}

/**
 * The default order. The native backend is chosen only when asked for (MODELSPEC_BACKEND=native)
 * until it is the default (see docs/native.md).
 */
const DEFAULT_ORDER: readonly BackendName[] = ['wasm', 'reference'];

let active: { backend: KernelBackend; report: BackendReport } | null = null;
/** A matmul put in by setMatmulKernel (tests, benchmarks), over the active backend. */
let customMatmul: MatmulKernel | null = null;

function choose(): { backend: KernelBackend; report: BackendReport } {
  const missing: Partial<Record<BackendName, string>> = {};
  for (const name of BACKEND_NAMES) {
    const reason = unavailable(name);
    if (reason !== null) missing[name] = reason;
  }
  const requested = platform().env('MODELSPEC_BACKEND');
  if (requested !== undefined && requested !== '') {
    if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
      throw new Error(
        `MODELSPEC_BACKEND=${requested} is not a kernel backend (known: ${BACKEND_NAMES.join(', ')})`,
      );
    }
    const name = requested as BackendName;
    if (missing[name] !== undefined) {
      throw new Error(
        `MODELSPEC_BACKEND=${name}, but that backend is unavailable: ${missing[name]}`,
      );
    }
    return {
      backend: createBackend(name),
      report: { name, reason: `MODELSPEC_BACKEND=${name}`, unavailable: missing },
    };
  }
  const name = DEFAULT_ORDER.find((n) => missing[n] === undefined) as BackendName;
  const skipped = DEFAULT_ORDER.slice(0, DEFAULT_ORDER.indexOf(name));
  const reason =
    skipped.length === 0
      ? 'the default'
      : `the fastest available (${skipped.map((n) => `${n}: ${missing[n]}`).join('; ')})`;
  return { backend: createBackend(name), report: { name, reason, unavailable: missing } };
}

/** The backend the ops call, chosen on first use. */
export function kernelBackend(): KernelBackend {
  active ??= choose();
  return active.backend;
}

export function backendReport(): BackendReport {
  active ??= choose();
  return active.report;
}

/** Runs every later kernel call on `name` (tests, benchmarks); throws when it is unavailable. */
export function useKernelBackend(name: BackendName): void {
  const reason = name === 'reference' ? null : unavailable(name);
  if (reason !== null) throw new Error(`the ${name} kernel backend is unavailable: ${reason}`);
  active = {
    backend: createBackend(name),
    report: {
      name,
      reason: 'chosen by the program',
      unavailable: active?.report.unavailable ?? {},
    },
  };
}

export function matmulKernel(): MatmulKernel {
  return customMatmul ?? kernelBackend().matmul;
}

/**
 * act(x · wᵀ + bias), the forward of a linear layer with its activation fused: the same numbers
 * as the matmul kernel followed by the bias and the activation, one rounding per stage.
 */
export function linearForwardKernel(): LinearForwardKernel {
  return customMatmul ? linearWith(customMatmul) : kernelBackend().linearForward;
}

/**
 * Puts in a matmul kernel of one's own (tests, benchmarks), which linear layers then use too;
 * null goes back to the backend's.
 */
export function setMatmulKernel(kernel: MatmulKernel | null): void {
  customMatmul = kernel;
}

/** One thread per CPU, up to four: beyond that a batch's rows split into ranges too small to pay. */
let threads: number | undefined;

/** Threads per large kernel call, counting the caller (see setKernelThreads). */
export function kernelThreads(): number {
  threads ??= Math.max(1, Math.min(platform().cpus(), 4));
  return threads;
}

/**
 * Threads per large kernel call, counting the caller (default: one per CPU, at most 4). Output
 * is split between threads in fixed blocks, so the result is bit-identical to one thread's.
 */
export function setKernelThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`kernel threads must be a whole number >= 1, got ${count}`);
  }
  if (count === kernelThreads()) return;
  threads = count;
  if (active !== null) active = { ...active, backend: createBackend(active.backend.name, count) };
}
