// The package entry for Node: the core (core.ts) with Node's platform registered, plus data
// loading, training runs and checkpoints.
import './platform/node.js';

export * from './core.js';
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
export {
  type BestSoFar,
  type EarlyStopping,
  type EpochRecord,
  evaluate,
  type FitData,
  type FitOptions,
  type FitSchedule,
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
export {
  type BestCheckpoint,
  type TrainRunOptions,
  type TrainRunResult,
  trainRun,
} from './train/train-run.js';
