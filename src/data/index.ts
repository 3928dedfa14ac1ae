export { batches, gather } from './batches.js';
export {
  BUILTIN_DATASETS,
  type BuiltinName,
  type BuiltinOptions,
  isBuiltinName,
  loadBuiltin,
} from './builtin.js';
export { type CsvOptions, csvDataset, loadCsv, loadCsvFeatures } from './csv.js';
export { type Dataset, datasetSize, featureCount, selectRows, type Task } from './dataset.js';
export { DataError, type DataErrorLocation } from './errors.js';
export { type SplitOptions, splitDataset } from './split.js';
export { applyStandardizer, fitStandardizer, type Standardizer } from './standardize.js';
export type { TargetOptions } from './target.js';
