export {
  Adadelta,
  type AdadeltaHyperparameters,
  type AdadeltaOptions,
  type AdadeltaStateDict,
} from './adadelta.js';
export {
  Adagrad,
  type AdagradHyperparameters,
  type AdagradOptions,
  type AdagradStateDict,
} from './adagrad.js';
export {
  Adam,
  type AdamHyperparameters,
  type AdamOptions,
  type AdamStateDict,
  AdamW,
} from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle.js';
export {
  Optimizer,
  type OptimizerDefinition,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type StateValue,
} from './optimizer.js';
export type { OptionRule, OptionValue } from './options.js';
export {
  type PlateauStateDict,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
} from './plateau.js';
export { OPTIMIZERS, optimizerDefinition } from './registry.js';
export {
  RMSprop,
  type RMSpropHyperparameters,
  type RMSpropOptions,
  type RMSpropStateDict,
} from './rmsprop.js';
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  ExponentialLR,
  type ExponentialLROptions,
  type HasParamGroups,
  LinearLR,
  type LinearLROptions,
  LRScheduler,
  MultiStepLR,
  type MultiStepLROptions,
  type SchedulerStateDict,
  StepLR,
  type StepLROptions,
} from './schedule.js';
export { SequentialLR, type SequentialLROptions } from './sequential.js';
export {
  SGD,
  type SGDHyperparameters,
  type SGDOptions,
  type SGDStateDict,
} from './sgd.js';
