import type { NumArray } from './types.js';
import { loadWasmKernels } from './wasm/instance.js';
import type { WasmKernelOptions } from './wasm/options.js';
import { type BlockArgs, BlockKernel, sharedWorkerPool } from './wasm/pool.js';

/**
 * The common SGD update (no weight decay, nesterov or maximize): with a momentum buffer,
 * buffer = momentum·buffer + keep·grad, then param −= lr·buffer; without one, param −= lr·grad.
 * Arithmetic is in float64, rounded once per stored value, as a plain loop over typed arrays does.
 */
export type SgdUpdateKernel = (
  param: NumArray,
  grad: NumArray,
  buffer: NumArray | null,
  lr: number,
  momentum: number,
  keep: number,
) => void;

export const sgdUpdateReference: SgdUpdateKernel = (param, grad, buffer, lr, momentum, keep) => {
  if (buffer === null) {
    for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
    return;
  }
  for (let i = 0; i < param.length; i++) {
    buffer[i] = momentum * buffer[i] + keep * grad[i];
    param[i] -= lr * buffer[i];
  }
};

/**
 * The wasm SIMD update (src/kernels/wasm/assembly/sgd.ts), bit-identical to the reference, or
 * null when the module is unavailable. Float32 arrays not resident in wasm memory are copied in
 * and back (memcpy-speed); other types go to the reference.
 */
export function createWasmSgdUpdate({
  threads = 1,
}: WasmKernelOptions = {}): SgdUpdateKernel | null {
  const kernels = loadWasmKernels();
  if (kernels === null) return null;
  const { sgdPlain, sgdMomentum } = kernels.exports;
  return (param, grad, buffer, lr, momentum, keep) => {
    const n = param.length;
    if (
      !(param instanceof Float32Array && grad instanceof Float32Array) ||
      !(buffer === null || buffer instanceof Float32Array) ||
      grad.length !== n ||
      (buffer !== null && buffer.length !== n)
    ) {
      sgdUpdateReference(param, grad, buffer, lr, momentum, keep);
      return;
    }
    const [pOff, gOff, bOff] = kernels.place([param, grad, buffer], [n, n, n], [true, true, true]);
    if (threads > 1 && n >= PARALLEL_MIN_ELEMENTS) {
      const args: BlockArgs = [pOff, gOff, bOff, n, lr, momentum, keep, +(buffer !== null), 0];
      sharedWorkerPool(kernels, threads - 1).run(BlockKernel.sgd, args, 1, n, threads);
    } else if (buffer === null) sgdPlain(pOff, gOff, n, lr);
    else sgdMomentum(pOff, gOff, bOff, n, lr, momentum, keep);
    if (buffer !== null) kernels.fetch(buffer, n, bOff);
    kernels.fetch(param, n, pOff);
  };
}

/** Below this many elements the reference update is cheaper than staging into wasm memory. */
const WASM_MIN_UPDATE = 1024;
/** Elements from which an update is split between threads (about 60 µs of work on one). */
const PARALLEL_MIN_ELEMENTS = 65536;

/**
 * The wasm backend's SGD update: wasm SIMD for large float32 parameters (split between
 * `threads` for very large ones), else the reference. All give the same bits, so the choice
 * never changes a result.
 */
export function sgdUpdateWasm(threads: number): SgdUpdateKernel {
  const wasm = createWasmSgdUpdate({ threads }) ?? sgdUpdateReference;
  return (param, grad, buffer, lr, momentum, keep) =>
    (param.length < WASM_MIN_UPDATE ? sgdUpdateReference : wasm)(
      param,
      grad,
      buffer,
      lr,
      momentum,
      keep,
    );
}
