// The native (C++, N-API) kernel backend: native/ holds the sources, native/build.mjs builds
// them at install; docs/native.md describes both.
export {
  type LoadedNative,
  loadNativeAddon,
  type NativeAddon,
  type NativeIsa,
  type NativeStatus,
  nativeStatus,
} from './addon.js';
export {
  type Conv1dShape,
  type Conv2dShape,
  conv1dAs2d,
  conv2dOutputSize,
  createNativeConv1d,
  createNativeConv2d,
  type NativeConvKernels,
} from './conv.js';
export {
  createNativeAddInto,
  createNativeReluGrad,
  createNativeSgdUpdate,
} from './elementwise.js';
export {
  createNativeGemm,
  createNativeLinear,
  createNativeMatmul,
  type NativeGemmKernel,
} from './gemm.js';
export { defaultNativeThreads, type NativeKernelOptions } from './options.js';
export {
  createNativeMaxPool2d,
  type MaxPool2dShape,
  maxPool2dOutputSize,
  type NativeMaxPool2dKernels,
} from './pool2d.js';
export { createNativeReductions, type NativeReductionKernels } from './softmax.js';
