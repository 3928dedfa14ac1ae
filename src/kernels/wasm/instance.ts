import { platform } from '../../platform/index.js';
import { Heap } from './heap.js';

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
  gemmBlock(
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
    colStart: number,
    colEnd: number,
    prepacked: number,
  ): void;
  linearBlock(
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
    colStart: number,
    colEnd: number,
    prepacked: number,
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
  sgdBlock(
    p: number,
    g: number,
    b: number,
    n: number,
    lr: number,
    momentum: number,
    keep: number,
    hasBuffer: boolean,
    unused: number,
    work: number,
    rowStart: number,
    rowEnd: number,
    from: number,
    to: number,
  ): void;
  reluBackward(g: number, out: number, dst: number, n: number): void;
  addInto(dst: number, src: number, n: number): void;
  packAllA(a: number, m: number, k: number, transA: boolean, dst: number): void;
  packedAllABytes(m: number, k: number): number;
  gemmWorkBytes(): number;
  heapBase(): number;
}

/**
 * One instance of the kernels module and its shared linear memory. Layout: [module data | one
 * scratch area per thread for packed panels | heap]. The heap holds resident arrays (typed
 * arrays that live in wasm memory, so kernels use them in place) and one staging area, reused
 * by every call, into which other operands are copied. Wasm memory never shrinks; freed heap
 * ranges are reused.
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
   * A zeroed array in wasm memory (an ordinary array when wasm memory cannot grow). Its range
   * returns to the heap once the array is garbage collected, so it must be the only view of
   * that memory that outlives its own use (no subarray of it may be kept).
   */
  residentFloat32(length: number): Float32Array;
  residentInt32(length: number): Int32Array;
  /** Byte offset of `array` in wasm memory when it is resident, else -1. */
  offsetOf(array: Float32Array | Int32Array): number;
  /**
   * Byte offsets at which a kernel can use each array's first `lengths[i]` elements: the
   * array's own when resident, else a range of the staging area (16-byte aligned), into which
   * the array is copied when `copyIn[i]`. A null array gets a staging range of its length.
   * Staged offsets stay valid until the next call.
   */
  place(
    arrays: readonly (Float32Array | null)[],
    lengths: readonly number[],
    copyIn: readonly boolean[],
  ): number[];
  /** Copies `length` float32 values at byte offset `at` into `dst`, unless `dst` lives there. */
  fetch(dst: Float32Array, length: number, at: number): void;
}

const PAGE_BYTES = 65536;
/** The module declares this maximum (scripts/build-wasm.mjs); shared memory must have one. */
const MAX_PAGES = 65536;
const MAX_THREADS = 16;
/** Below this many elements a loop copies faster than TypedArray#set (which also needs a view). */
const SMALL_COPY = 16;

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
  const built = platform().wasmKernels();
  if ('missing' in built) return null;
  const bytes = built.bytes;
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
  const scratchAreas = Math.min(platform().cpus(), MAX_THREADS);
  const scratchBytes = align(exports.gemmWorkBytes(), 64);
  const firstScratch = align(exports.heapBase(), 64);
  const heap = new Heap(firstScratch + scratchAreas * scratchBytes);
  // Only this arena grows the memory (workers never do), so the view can be kept here instead
  // of asking memory.buffer, which is slow for shared memory, on every call. Growing gives
  // memory.buffer a new SharedArrayBuffer object; every one of them is remembered, since
  // resident arrays made before a growth still view the older object.
  let view = new Float32Array(memory.buffer);
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  const released = new FinalizationRegistry<number>((at) => heap.release(at));
  let staging = { at: heap.allocate(0), bytes: 0 };

  function ensureMemory(): void {
    if (heap.top <= view.byteLength) return;
    memory.grow(Math.ceil((heap.top - view.byteLength) / PAGE_BYTES));
    view = new Float32Array(memory.buffer);
    buffers.add(memory.buffer);
  }

  function resident<T extends Float32Array | Int32Array>(
    make: (buffer: ArrayBufferLike, at: number, length: number) => T,
    length: number,
  ): T {
    const at = heap.allocate(4 * length);
    try {
      ensureMemory();
    } catch (err) {
      // Wasm memory is capped (4 GiB, or less where the address space is): an ordinary array
      // works as well, only copied in and out by each kernel call.
      if (!(err instanceof RangeError)) throw err;
      heap.release(at);
      return make(new ArrayBuffer(4 * length), 0, length);
    }
    const buffer = memory.buffer;
    buffers.add(buffer);
    const array = make(buffer, at, length);
    // A reused range holds an earlier array's numbers.
    array.fill(0);
    released.register(array, at);
    return array;
  }

  function offsetOf(array: Float32Array | Int32Array): number {
    return buffers.has(array.buffer) ? array.byteOffset : -1;
  }

  return {
    exports,
    module,
    memory,
    scratchAreas,
    scratch: (index) => firstScratch + index * scratchBytes,
    residentFloat32: (length) => resident((b, at, n) => new Float32Array(b, at, n), length),
    residentInt32: (length) => resident((b, at, n) => new Int32Array(b, at, n), length),
    offsetOf,
    place(arrays, lengths, copyIn) {
      const offsets = arrays.map((a) => (a === null ? -1 : offsetOf(a)));
      let bytes = 0;
      for (let i = 0; i < arrays.length; i++) {
        if (offsets[i] < 0) bytes = align(bytes + 4 * lengths[i], 16);
      }
      if (bytes > staging.bytes) {
        heap.release(staging.at);
        staging = { at: heap.allocate(bytes), bytes };
        ensureMemory();
      }
      let end = staging.at;
      for (let i = 0; i < arrays.length; i++) {
        if (offsets[i] >= 0) continue;
        offsets[i] = end;
        end = align(end + 4 * lengths[i], 16);
        const src = arrays[i];
        if (src !== null && copyIn[i]) write(view, src, lengths[i], offsets[i]);
      }
      return offsets;
    },
    fetch(dst, length, at) {
      if (offsetOf(dst) === at) return;
      const base = at >> 2;
      if (length <= SMALL_COPY) {
        for (let i = 0; i < length; i++) dst[i] = view[base + i];
      } else {
        dst.set(view.subarray(base, base + length));
      }
    },
  };
}

function write(view: Float32Array, src: Float32Array, length: number, at: number): void {
  const base = at >> 2;
  if (length <= SMALL_COPY) {
    for (let i = 0; i < length; i++) view[base + i] = src[i];
  } else {
    view.set(src.length === length ? src : src.subarray(0, length), base);
  }
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}
