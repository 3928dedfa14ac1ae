import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The slice of the WebAssembly JS API used here. Declared locally because the project's libs
 * (ES2022 + @types/node 20) do not declare the WebAssembly namespace.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  CompileError: new () => Error;
}

/** Functions exported by dist/wasm/kernels.wasm (see src/kernels/wasm/assembly). */
export interface KernelExports {
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
  gemmRows(
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
    rowStart: number,
    rowEnd: number,
  ): void;
  linearRows(
    x: number,
    w: number,
    bias: number,
    out: number,
    m: number,
    k: number,
    n: number,
    hasBias: boolean,
    relu: boolean,
    work: number,
    rowStart: number,
    rowEnd: number,
  ): void;
  sgdPlain(p: number, g: number, n: number, lr: number): void;
  sgdMomentum(
    p: number,
    g: number,
    b: number,
    n: number,
    lr: number,
    momentum: number,
    keep: number,
  ): void;
  gemmWorkBytes(): number;
  heapBase(): number;
}

/**
 * One instance of the kernels module and its shared linear memory. Layout: [module data |
 * one scratch area per thread for packed panels | operand area]. The operand area is reused by
 * every call and grows to the largest request seen; wasm memory never shrinks.
 */
export interface WasmKernels {
  readonly exports: KernelExports;
  /** The compiled module and memory, for worker threads to instantiate against. */
  readonly module: object;
  readonly memory: WasmMemory;
  /** Number of scratch areas, hence the most threads that can run kernels at once. */
  readonly scratchAreas: number;
  /** Byte offset of the scratch area of thread `index` (0 is the calling thread). */
  scratch(index: number): number;
  /**
   * Reserves consecutive 16-byte-aligned float32 arrays of the given lengths in the operand area
   * and returns their byte offsets. Offsets stay valid until the next call.
   */
  layout(lengths: readonly number[]): number[];
  /** Copies the first `length` elements of `src` to wasm memory at byte offset `at`. */
  write(src: Float32Array, length: number, at: number): void;
  /** Copies `length` float32 values at byte offset `at` into the start of `dst`. */
  read(at: number, length: number, dst: Float32Array): void;
}

const PAGE_BYTES = 65536;
/** The module declares this maximum (scripts/build-wasm.mjs); shared memory must have one. */
const MAX_PAGES = 65536;
const MAX_THREADS = 16;
/** Below this many elements a loop copies faster than TypedArray#set (which also needs a view). */
const SMALL_COPY = 16;

/**
 * The compiled module sits in dist/wasm/, two levels above this file both in src/kernels/wasm
 * (tests, tsx) and in dist/kernels/wasm (the installed package).
 */
export const KERNELS_WASM_URL = new URL('../../../dist/wasm/kernels.wasm', import.meta.url);

let loaded: WasmKernels | null | undefined;

/**
 * The shared kernels instance, or null when WebAssembly SIMD/threads are unavailable or the
 * module has not been built (`npm run build`). Compiled synchronously on first use.
 */
export function loadWasmKernels(): WasmKernels | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

function instantiate(): WasmKernels | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined || typeof SharedArrayBuffer === 'undefined') return null;
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
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  } catch (err) {
    // Shared memory reserves its maximum up front; a capped address space refuses it.
    if (err instanceof RangeError) return null;
    throw err;
  }
  const exports = new wasm.Instance(module, { env: { memory } }).exports as KernelExports;
  return arena(module, memory, exports);
}

function arena(module: object, memory: WasmMemory, exports: KernelExports): WasmKernels {
  const scratchAreas = Math.min(availableParallelism(), MAX_THREADS);
  const scratchBytes = align(exports.gemmWorkBytes(), 64);
  const firstScratch = align(exports.heapBase(), 64);
  const operands = firstScratch + scratchAreas * scratchBytes;
  // Only this arena grows the memory (workers never do), so the view and capacity can be kept
  // here instead of asking memory.buffer, which is slow for shared memory, on every call.
  let view = new Float32Array(memory.buffer);
  return {
    exports,
    module,
    memory,
    scratchAreas,
    scratch: (index) => firstScratch + index * scratchBytes,
    layout(lengths) {
      const offsets: number[] = [];
      let end = operands;
      for (const length of lengths) {
        offsets.push(end);
        end = align(end + 4 * length, 16);
      }
      if (end > view.byteLength) {
        memory.grow(Math.ceil((end - view.byteLength) / PAGE_BYTES));
        view = new Float32Array(memory.buffer);
      }
      return offsets;
    },
    write(src, length, at) {
      const base = at >> 2;
      if (length <= SMALL_COPY) {
        for (let i = 0; i < length; i++) view[base + i] = src[i];
      } else {
        view.set(src.length === length ? src : src.subarray(0, length), base);
      }
    },
    read(at, length, dst) {
      const base = at >> 2;
      if (length <= SMALL_COPY) {
        for (let i = 0; i < length; i++) dst[i] = view[base + i];
      } else {
        dst.set(view.subarray(base, base + length));
      }
    },
  };
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}
