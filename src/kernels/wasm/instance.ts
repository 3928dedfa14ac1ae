import { readFileSync } from 'node:fs';

/**
 * The slice of the WebAssembly JS API used here. Declared locally because the project's libs
 * (ES2022 + @types/node 20) do not declare the WebAssembly namespace.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  CompileError: new () => Error;
}

/** Functions exported by dist/wasm/kernels.wasm (see src/kernels/wasm/assembly). */
export interface KernelExports {
  readonly memory: WasmMemory;
  gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
    work: number,
  ): void;
  gemmWorkBytes(): number;
  heapBase(): number;
}

/**
 * One instance of the kernels module and its linear memory. Layout: [module data | scratch for
 * packed panels | operand area]. The operand area is reused by every call and grows to the
 * largest request seen; wasm memory never shrinks.
 */
export interface WasmKernels {
  readonly exports: KernelExports;
  /** Byte offset of the scratch area that gemm packs into. */
  readonly work: number;
  /** Makes `bytes` bytes available from the returned offset (16-byte aligned). */
  reserve(bytes: number): number;
  /** A view of all of linear memory; call after `reserve`, since growing detaches old views. */
  heap(): Float32Array;
}

const PAGE_BYTES = 65536;

/**
 * The compiled module sits in dist/wasm/, two levels above this file both in src/kernels/wasm
 * (tests, tsx) and in dist/kernels/wasm (the installed package).
 */
export const KERNELS_WASM_URL = new URL('../../../dist/wasm/kernels.wasm', import.meta.url);

let loaded: WasmKernels | null | undefined;

/**
 * The shared kernels instance, or null when WebAssembly SIMD is unavailable or the module has
 * not been built (`npm run build`). Compiled synchronously on first use.
 */
export function loadWasmKernels(): WasmKernels | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

function instantiate(): WasmKernels | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  let bytes: Buffer;
  try {
    bytes = readFileSync(KERNELS_WASM_URL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let module: object;
  try {
    module = new wasm.Module(bytes);
  } catch (err) {
    // A runtime without SIMD rejects the module at compile time.
    if (err instanceof wasm.CompileError) return null;
    throw err;
  }
  const exports = new wasm.Instance(module, {}).exports as KernelExports;
  return arena(exports);
}

function arena(exports: KernelExports): WasmKernels {
  const work = align(exports.heapBase(), 64);
  const operands = align(work + exports.gemmWorkBytes(), 64);
  const memory = exports.memory;
  let view = new Float32Array(memory.buffer);
  return {
    exports,
    work,
    reserve(bytes: number): number {
      const end = operands + bytes;
      const have = memory.buffer.byteLength;
      if (end > have) memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      return operands;
    },
    heap(): Float32Array {
      if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
      return view;
    },
  };
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}
