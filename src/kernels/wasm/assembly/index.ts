// Entry point of the wasm kernels module: every export here is callable from JavaScript.
export { gemmBlock, gemmWorkBytes, heapBase, packAllA, packedAllABytes } from './gemm';
export { linearBlock } from './linear';
export { sgdBlock, sgdMomentum, sgdPlain } from './sgd';
export { reluBackward } from './relu';
export { addInto } from './add';
