export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  type HasParamGroups,
  LRScheduler,
  type SchedulerStateDict,
  StepLR,
  type StepLROptions,
} from './schedule.js';
export {
  type ParamGroup,
  type ParamGroupInput,
  SGD,
  type SGDHyperparameters,
  type SGDOptions,
  type SGDStateDict,
} from './sgd.js';
