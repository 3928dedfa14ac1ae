// The native (C++, N-API) kernel backend: native/ holds the sources, native/build.mjs builds
// them at install; docs/native.md describes both.
export {
  type LoadedNative,
  loadNativeAddon,
  loadNativeFrom,
  type NativeAddon,
  type NativeIsa,
  type NativeStatus,
  nativeStatus,
} from './addon.js';
export {
  createNativeGemm,
  createNativeLinear,
  createNativeMatmul,
  type NativeGemmKernel,
} from './gemm.js';
export { defaultNativeThreads, type NativeKernelOptions } from './options.js';
