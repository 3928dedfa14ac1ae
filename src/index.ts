export { type BackwardOptions, backward } from './autograd/engine.js';
export { isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { AccumulateGrad } from './autograd/node.js';
export type {
  Graph,
  GraphInput,
  GraphNode,
  GraphParameter,
  ResolvedInit,
} from './compiler/graph.js';
export { parseSpec, validateSpec } from './compiler/validate.js';
export {
  DataError,
  type Dataset,
  type LineCorpus,
  loadBuiltin,
  loadCsv,
  loadIdx,
  loadLines,
  loadText,
  type TextCorpus,
  type Vocabulary,
} from './data/index.js';
export { type Checkpoint, loadCheckpoint, saveCheckpoint } from './io/checkpoint.js';
export { CheckpointError } from './io/safetensors.js';
export { setKernelThreads } from './kernels/backend.js';
export * as init from './nn/init.js';
export { Parameter, Variable } from './nn/parameter.js';
export * from './ops/index.js';
export * from './optim/index.js';
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
export {
  type EpochRecord,
  evaluate,
  type FitData,
  type FitOptions,
  type FitState,
  fit,
  type History,
  TrainingError,
} from './train/fit.js';
export {
  type NextLogits,
  type SampleOptions,
  type SampleVocabulary,
  sample,
  sampleWith,
} from './train/sample.js';
export { type TrainRunOptions, type TrainRunResult, trainRun } from './train/train-run.js';
