import { loadWasmKernels } from './wasm/instance.js';

/**
 * Below this many elements an array stays an ordinary one: small products run on the JavaScript
 * reference kernels, which gain nothing from wasm memory.
 */
const RESIDENT_MIN_LENGTH = 256;

/**
 * A zeroed array for buffers that kernels read and write again and again (a compiled plan's
 * activations and gradients): resident in wasm memory when the wasm kernels are available, so
 * they are used in place instead of copied in and out on every call. The array must be the only
 * view of its memory that is kept (see WasmKernels.residentFloat32).
 */
export function kernelFloat32(length: number): Float32Array {
  const kernels = length >= RESIDENT_MIN_LENGTH ? loadWasmKernels() : null;
  return kernels === null ? new Float32Array(length) : kernels.residentFloat32(length);
}

export function kernelInt32(length: number): Int32Array {
  const kernels = length >= RESIDENT_MIN_LENGTH ? loadWasmKernels() : null;
  return kernels === null ? new Int32Array(length) : kernels.residentInt32(length);
}
