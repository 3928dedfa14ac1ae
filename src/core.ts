// The browser-safe core: tensors, autograd, ops, optimizers, the spec language and compiler,
// and the runtime. It imports no `node:` module; a host registers its Platform (file reading,
// compiled kernels, workers) with setPlatform before use. The package entry (index.ts) is this
// plus Node's platform, data loading, training runs and checkpoints.
export { type BackwardOptions, backward } from './autograd/engine.js';
export { isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { AccumulateGrad } from './autograd/node.js';
export {
  ABSENT,
  type Graph,
  type GraphBuffer,
  type GraphInput,
  type GraphNode,
  type GraphParameter,
  type ResolvedInit,
} from './compiler/graph.js';
export { parseSpec, validateSpec } from './compiler/validate.js';
export {
  type BackendName,
  type BackendReport,
  backendReport,
  setKernelThreads,
  useKernelBackend,
} from './kernels/backend.js';
export * as init from './nn/init.js';
export { Parameter, Variable } from './nn/parameter.js';
export * from './ops/index.js';
export * from './optim/index.js';
export { type FileRead, type Platform, setPlatform } from './platform/index.js';
export { type CompileOptions, compileFile, compileSpec, loadGraph } from './runtime/compile.js';
export { ModelError } from './runtime/errors.js';
export { Model, type StateDictValue } from './runtime/model.js';
export {
  type Diagnostic,
  type Severity,
  type SourceLocation,
  SpecError,
} from './spec/diagnostics.js';
export type { Spec } from './spec/types.js';
export {
  arange,
  type CreateOptions,
  full,
  manualSeed,
  ones,
  type RandomOptions,
  rand,
  randn,
  type TensorLike,
  tensor,
  zeros,
} from './tensor/create.js';
export type { DType } from './tensor/dtype.js';
export {
  AutogradError,
  DTypeError,
  ShapeError,
  TensorError,
  ValueError,
} from './tensor/errors.js';
export { Rng } from './tensor/rng.js';
export { type GradFn, type NestedArray, Tensor } from './tensor/tensor.js';
