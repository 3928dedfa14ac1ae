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
export {
  type IdxArray,
  type IdxOptions,
  type IdxPair,
  loadIdx,
  parseIdx,
  readIdx,
  readIdxImages,
} from './idx.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIRS,
  findFashionMnist,
  IDX_FILE_NAMES,
  idxFolder,
  TOKEN_DATASETS,
  tokenDatasetPath,
} from './locate.js';
export {
  isGzip,
  MAX_DATA_BYTES,
  type ReadLimit,
  readDataBytes,
  readFileBytes,
  readTextFile,
} from './read-file.js';
export { holdOut, type SplitOptions, splitDataset } from './split.js';
export { applyStandardizer, fitStandardizer, type Standardizer } from './standardize.js';
export type { TargetOptions } from './target.js';
export {
  type CorpusOptions,
  checkStreamLength,
  type LineCorpus,
  lineExamples,
  loadLines,
  loadText,
  longestLine,
  splitLines,
  splitStream,
  type TextCorpus,
} from './text.js';
export {
  characterSet,
  decode,
  encode,
  LINE_BOUNDARY,
  showCharacter,
  type Vocabulary,
} from './vocabulary.js';
export { fillWindows, randomWindowOffsets, tilingWindowOffsets } from './windows.js';
