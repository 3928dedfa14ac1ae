import { type MatmulKernel, matmulReference } from './matmul.js';

/**
 * The kernels ops call through, so a faster backend (WebAssembly SIMD, worker threads) can be
 * put in without touching ops or autograd. The plain TypeScript kernels are the default and
 * the reference every other backend is tested against.
 */
let matmul: MatmulKernel = matmulReference;

export function matmulKernel(): MatmulKernel {
  return matmul;
}

export function setMatmulKernel(kernel: MatmulKernel): void {
  matmul = kernel;
}
