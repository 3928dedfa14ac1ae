import { loadCsvFeatures } from '../data/index.js';
import { type Checkpoint, loadCheckpoint, restoreWeights } from '../io/checkpoint.js';
import { CheckpointError } from '../io/safetensors.js';
import { lowerSpecText, readSpec } from '../runtime/compile.js';
import { Model } from '../runtime/model.js';
import { evaluate } from './fit.js';
import { type Prediction, predictRows } from './predict.js';
import type { ResolvedTrain } from './train-config.js';
import { type DataInfo, prepareData } from './training-data.js';

/** A spec's model with a checkpoint's weights, and what the checkpoint knows of the data. */
export function restoreModel(
  specPath: string,
  checkpointPath: string,
): { model: Model; checkpoint: Checkpoint; info: DataInfo; train: ResolvedTrain | null } {
  const { graph } = lowerSpecText(readSpec(specPath), { filename: specPath });
  const checkpoint = loadCheckpoint(checkpointPath);
  const model = new Model(graph);
  restoreWeights(model, checkpoint, checkpointPath);
  const info = checkpoint.metadata.data as DataInfo | undefined;
  if (!info?.featureNames) {
    throw new CheckpointError(
      `${checkpointPath} has no data description (feature names, classes); it was not written by modelspec train`,
    );
  }
  const fit = checkpoint.metadata.fit as { train?: ResolvedTrain } | undefined;
  return { model, checkpoint, info, train: fit?.train ?? null };
}

export interface EvalResult {
  metrics: Record<string, number>;
  rows: number;
  source: string;
}

/**
 * Loss and metrics of a trained model: on a CSV file when given (every row), else on the
 * validation split of the spec's data (the whole set when the run held none out).
 */
export function evalRun(options: {
  specPath: string;
  checkpoint: string;
  data?: string;
}): EvalResult {
  const { model, info, train } = restoreModel(options.specPath, options.checkpoint);
  const dataSpec = options.data
    ? {
        csv: options.data,
        target: info.targetName,
        features: info.featureNames,
        standardize: info.standardizer !== null,
      }
    : train?.data;
  if (!dataSpec)
    throw new CheckpointError(
      `${options.checkpoint} does not say what data it was trained on; pass --data FILE.csv`,
    );
  const prepared = prepareData(
    model.graph,
    options.data ? { ...dataSpec, valid: 0 } : dataSpec,
    options.data ? '.' : options.specPath,
    train?.seed ?? 0,
    info,
  );
  const part = prepared.valid ?? prepared.train;
  // The run's batch size: the loss is a mean per batch, so this gives the validation numbers
  // of training to the last digit.
  const metrics = evaluate(model, part, {
    metrics: train?.metrics ?? [],
    batchSize: train?.batch_size,
  });
  return {
    metrics,
    rows: prepared.valid ? prepared.validRows : prepared.trainRows,
    source: options.data
      ? options.data
      : `${prepared.info.source}${prepared.valid ? ', validation split' : ''}`,
  };
}

/** Predictions for the rows of a CSV or JSON file (columns as the training features). */
export function predictRun(options: {
  specPath: string;
  checkpoint: string;
  input: string;
  /** Rows already read (e.g. from JSON), given the feature names; else `input` is read as CSV. */
  rowsOf?: (featureNames: readonly string[]) => number[][];
}): Prediction[] {
  const { model, info } = restoreModel(options.specPath, options.checkpoint);
  const features = options.rowsOf
    ? Float32Array.from(options.rowsOf(info.featureNames).flat())
    : loadCsvFeatures(options.input, { features: info.featureNames }).features;
  return predictRows(model, info, features, options.input);
}
