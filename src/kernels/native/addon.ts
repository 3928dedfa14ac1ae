import { platform } from '../../platform/index.js';

/** Instruction sets of the native GEMM micro-kernels, best first. */
export type NativeIsa = 'avx512' | 'avx2' | 'generic';

/**
 * Functions of build/Release/modelspec_native.node (native/addon.cc). Arrays are used in place
 * (subarrays at their own offset); every size is checked natively, and a wrong call throws a
 * TypeError or RangeError instead of touching memory out of bounds.
 */
export interface NativeAddon {
  /** c (= or +=) op(a)·op(b), then + bias per column and ReLU; see NativeGemmKernel. */
  gemm(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
    bias: Float32Array | null,
    relu: boolean,
    threads: number,
  ): void;
  /** geometry: the 16 numbers of a Conv2dShape in declaration order (see conv.ts). */
  conv2dForward(
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    geometry: number[],
    threads: number,
  ): void;
  conv2dBackwardInput(
    gradOut: Float32Array,
    weight: Float32Array,
    gradX: Float32Array,
    geometry: number[],
    accumulate: boolean,
    threads: number,
  ): void;
  conv2dBackwardWeight(
    x: Float32Array,
    gradOut: Float32Array,
    gradWeight: Float32Array,
    gradBias: Float32Array | null,
    geometry: number[],
    accumulate: boolean,
    threads: number,
  ): void;
  /** As sgdUpdateReference over param's length (grad and buffer at least as long). */
  sgdUpdate(
    param: Float32Array,
    grad: Float32Array,
    buffer: Float32Array | null,
    lr: number,
    momentum: number,
    keep: number,
    threads: number,
  ): void;
  /** As reluGradReference over dst's length. */
  reluBackward(g: Float32Array, out: Float32Array, dst: Float32Array, threads: number): void;
  /** dst += src over dst's length. */
  addInto(dst: Float32Array, src: Float32Array, threads: number): void;
  /** Softmax (log-softmax with `log`) of each row of src [rows, length] into out. */
  softmaxRows(
    src: Float32Array,
    out: Float32Array,
    rows: number,
    length: number,
    log: boolean,
    threads: number,
  ): void;
  /** The rows' softmax (or log-softmax, y its output) gradient. */
  softmaxRowsBackward(
    g: Float32Array,
    y: Float32Array,
    out: Float32Array,
    rows: number,
    length: number,
    log: boolean,
    threads: number,
  ): void;
  /** out[j] = Σ_i src[i·cols + j] in row order, in float32 (sumAxis over axis 0). */
  columnSums(
    src: Float32Array,
    out: Float32Array,
    rows: number,
    cols: number,
    threads: number,
  ): void;
  /** geometry: [planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ceilMode 0|1] (see pool2d.ts). */
  maxPool2dForward(
    x: Float32Array,
    out: Float32Array,
    argmax: Int32Array,
    geometry: number[],
    threads: number,
  ): void;
  maxPool2dBackward(
    gradOut: Float32Array,
    argmax: Int32Array,
    gradX: Float32Array,
    geometry: number[],
    accumulate: boolean,
    threads: number,
  ): void;
  /** Chooses the micro-kernels' instruction set (tests); false when this CPU lacks it. */
  setIsa(isa: NativeIsa): boolean;
  info(): { isa: NativeIsa; bestIsa: NativeIsa; cpus: number };
}

/** Whether the native kernels can run here, and if not, why not (for `--version`, summaries). */
export type NativeStatus =
  | { available: true; isa: NativeIsa; path: string }
  | { available: false; reason: string };

export interface LoadedNative {
  addon: NativeAddon | null;
  status: NativeStatus;
}

let loaded: LoadedNative | undefined;

/** The addon of this package, loaded on first use, or null (see nativeStatus for why). */
export function loadNativeAddon(): NativeAddon | null {
  loaded ??= platform().nativeAddon();
  return loaded.addon;
}

/** Whether the native kernels are available, with the instruction set or the reason. */
export function nativeStatus(): NativeStatus {
  loaded ??= platform().nativeAddon();
  if (loaded.addon && loaded.status.available) {
    // The instruction set can change (setNativeIsa), so it is read afresh.
    return { ...loaded.status, isa: loaded.addon.info().isa };
  }
  return loaded.status;
}
