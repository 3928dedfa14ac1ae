import { loadWasmKernels } from './wasm/instance.js';

/** dst[i] = g[i] · (out[i] > 0 ? 1 : 0): ReLU's input gradient from its output. */
export type ReluGradKernel = (g: Float32Array, out: Float32Array, dst: Float32Array) => void;

export const reluGradReference: ReluGradKernel = (g, out, dst) => {
  // +(bool) rather than a ternary: V8 then compiles no branch, which random signs mispredict.
  for (let i = 0; i < dst.length; i++) dst[i] = g[i] * +(out[i] > 0);
};

/**
 * The wasm backend's ReLU gradient: wasm SIMD when all three arrays are resident in wasm memory
 * (a compiled plan's buffers), else the reference; both give the same bits.
 */
export const reluGradWasm: ReluGradKernel = (g, out, dst) => {
  const kernels = dst.length >= 64 ? loadWasmKernels() : null;
  if (kernels !== null) {
    const [gAt, outAt, dstAt] = [kernels.offsetOf(g), kernels.offsetOf(out), kernels.offsetOf(dst)];
    if (gAt >= 0 && outAt >= 0 && dstAt >= 0) {
      kernels.exports.reluBackward(gAt, outAt, dstAt, dst.length);
      return;
    }
  }
  reluGradReference(g, out, dst);
};
