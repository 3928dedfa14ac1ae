import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError, idxFolder, loadCsvFeatures, readIdxImages } from '../data/index.js';
import { type Checkpoint, loadCheckpoint, restoreWeights } from '../io/checkpoint.js';
import { CheckpointError } from '../io/safetensors.js';
import { lowerSpecText, readSpec } from '../runtime/compile.js';
import { Model } from '../runtime/model.js';
import type { DataSpec } from '../spec/types.js';
import { evaluate } from './fit.js';
import { type Prediction, predictRows } from './predict.js';
import type { ResolvedTrain } from './train-config.js';
import {
  type DataInfo,
  featureWidth,
  isTokenInfo,
  prepareData,
  type TableInfo,
  type TokenInfo,
} from './training-data.js';

/** A spec's model with a checkpoint's weights, and what the checkpoint knows of the data. */
export function restoreModel(
  specPath: string,
  checkpointPath: string,
  dims?: Readonly<Record<string, number>>,
): { model: Model; checkpoint: Checkpoint; info: DataInfo; train: ResolvedTrain | null } {
  const checkpoint = loadCheckpoint(checkpointPath);
  // The model as the run built it: with the dims its command line set, unless overridden here.
  const { graph } = lowerSpecText(readSpec(specPath), {
    filename: specPath,
    dims: { ...checkpoint.metadata.dims, ...dims },
  });
  const model = new Model(graph);
  restoreWeights(model, checkpoint, checkpointPath);
  const info = checkpoint.metadata.data as DataInfo | undefined;
  if (!info || (isTokenInfo(info) ? !info.vocab : !info.featureNames)) {
    throw new CheckpointError(
      `${checkpointPath} has no data description (feature names and classes, or a vocabulary); it was not written by modelspec train`,
    );
  }
  const fit = checkpoint.metadata.fit as { train?: ResolvedTrain } | undefined;
  return { model, checkpoint, info, train: fit?.train ?? null };
}

/** Which examples eval measured: the test split, the validation split, all the training data, or a --data file. */
export type EvalSplit = 'test' | 'valid' | 'train' | 'file';

export interface EvalResult {
  split: EvalSplit;
  rows: number;
  source: string;
  metrics: Record<string, number>;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The data section that evaluates every example of a --data path, seen as training saw its data. */
function fileData(path: string, info: DataInfo, train: ResolvedTrain | null): DataSpec {
  const bind = train?.data.bind ? { bind: train.data.bind } : {};
  if (isTokenInfo(info)) return { [info.kind]: path, block_size: info.blockSize, ...bind };
  if (isDirectory(path)) {
    const folder = idxFolder(path);
    if (!folder.test) {
      throw new DataError('holds no t10k IDX files (the test split) to evaluate on', {
        file: path,
      });
    }
    return { idx: folder.test, standardize: info.standardizer !== null, ...bind };
  }
  return {
    csv: path,
    target: info.targetName,
    features: info.featureNames,
    standardize: info.standardizer !== null,
    ...bind,
  };
}

/**
 * Loss and metrics of a trained model: on the data a --data path names when given (every
 * example of a CSV, text or lines file; the t10k files of an IDX folder), else on the test
 * split of the spec's data when it has one, else its validation split, else all of it.
 */
export function evalRun(options: {
  specPath: string;
  checkpoint: string;
  data?: string;
  dims?: Readonly<Record<string, number>>;
}): EvalResult {
  const { model, info, train } = restoreModel(options.specPath, options.checkpoint, options.dims);
  if (!options.data && !train?.data) {
    throw new CheckpointError(
      `${options.checkpoint} does not say what data it was trained on; pass --data PATH`,
    );
  }
  const dataSpec = options.data
    ? fileData(resolve(options.data), info, train)
    : (train?.data as DataSpec);
  const prepared = prepareData(
    model.graph,
    options.data ? dataSpec : { ...dataSpec },
    options.data ? '.' : options.specPath,
    train?.seed ?? 0,
    info,
  );
  const [split, part, rows]: [EvalSplit, typeof prepared.train, number] = options.data
    ? ['file', prepared.train, prepared.trainRows]
    : prepared.test
      ? ['test', prepared.test, prepared.testRows]
      : prepared.valid
        ? ['valid', prepared.valid, prepared.validRows]
        : ['train', prepared.train, prepared.trainRows];
  // The run's batch size: the loss is a mean per batch, so this gives the validation numbers
  // of training to the last digit.
  const metrics = evaluate(model, part, {
    metrics: train?.metrics ?? [],
    batchSize: train?.batch_size,
  });
  const source =
    split === 'file'
      ? (options.data as string)
      : split === 'test'
        ? testSource(dataSpec)
        : prepared.info.source;
  return { split, rows, source, metrics };
}

function testSource(data: DataSpec): string {
  const test = data.test ?? {};
  return test.csv ?? test.idx?.images ?? test.text ?? test.lines ?? '';
}

function tableInfo(info: DataInfo, what: string): TableInfo {
  if (isTokenInfo(info)) {
    throw new DataError(
      `${what} reads rows of features, but this model was trained on ${info.kind} data (a language model): generate text with modelspec sample`,
    );
  }
  return info;
}

/** The checkpoint's vocabulary data, for sampling. */
export function tokenInfo(info: DataInfo, checkpoint: string): TokenInfo {
  if (!isTokenInfo(info)) {
    throw new DataError(
      `${checkpoint} was trained on rows of features, not on text or lines data: sample generates text from a language model; use predict`,
    );
  }
  return info;
}

/**
 * Predictions for the rows of a CSV or JSON file (columns as the training features), or for the
 * images of an IDX file when the model was trained on images.
 */
export function predictRun(options: {
  specPath: string;
  checkpoint: string;
  input: string;
  /** Rows already read (e.g. from JSON), given the feature names and width; else `input` is read as a file. */
  rowsOf?: (featureNames: readonly string[], width: number) => number[][];
  dims?: Readonly<Record<string, number>>;
}): Prediction[] {
  const { model, info: anyInfo } = restoreModel(options.specPath, options.checkpoint, options.dims);
  const info = tableInfo(anyInfo, 'predict');
  let features: Float32Array;
  if (options.rowsOf) {
    features = Float32Array.from(options.rowsOf(info.featureNames, featureWidth(info)).flat());
  } else if (info.imageShape) {
    features = loadImages(options.input, info);
  } else {
    features = loadCsvFeatures(options.input, { features: info.featureNames }).features;
  }
  return predictRows(model, info, features, options.input);
}

/** The images of an IDX file (labels are not needed to predict), scaled as in training. */
function loadImages(path: string, info: TableInfo): Float32Array {
  const images = readIdxImages(path);
  const want = info.imageShape as number[];
  if (images.imageShape.join() !== want.join()) {
    throw new DataError(
      `holds images of [${images.imageShape.join(', ')}], the model was trained on [${want.join(', ')}]`,
      { file: path },
    );
  }
  return images.features;
}
