// Entry point of the wasm kernels module: every export here is callable from JavaScript.
export { gemm, gemmRows, gemmWorkBytes, heapBase } from './gemm';
export { linearRows } from './linear';
export { sgdMomentum, sgdPlain } from './sgd';
export { reluBackward } from './relu';
