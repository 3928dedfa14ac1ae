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
  const heap = (): Float32Array => {
    // Growing memory detaches the old buffer, so the view is rebuilt lazily.
    if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
    return view;
  };
  return {
    exports,
    work,
    layout(lengths: readonly number[]): number[] {
      const offsets: number[] = [];
      let end = operands;
      for (const length of lengths) {
        offsets.push(end);
        end = align(end + 4 * length, 16);
      }
      const have = memory.buffer.byteLength;
      if (end > have) memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      return offsets;
    },
    write(src: Float32Array, length: number, at: number): void {
      heap().set(src.length === length ? src : src.subarray(0, length), at >> 2);
    },
    read(at: number, length: number, dst: Float32Array): void {
      dst.set(heap().subarray(at >> 2, (at >> 2) + length));
    },
  };
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}
