export { type BackwardOptions, backward } from './autograd/engine.js';
export { isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { AccumulateGrad } from './autograd/node.js';
export { Parameter, Variable } from './nn/parameter.js';
export * from './ops/index.js';
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
