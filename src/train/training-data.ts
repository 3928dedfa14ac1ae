import { dirname, isAbsolute, resolve } from 'node:path';
import type { Graph, GraphInput } from '../compiler/graph.js';
import {
  applyStandardizer,
  DataError,
  type Dataset,
  datasetSize,
  featureCount,
  fitStandardizer,
  loadBuiltin,
  loadCsv,
  type Standardizer,
  splitDataset,
  type Task,
} from '../data/index.js';
import type { DataSpec } from '../spec/types.js';
import { Tensor } from '../tensor/tensor.js';
import type { FitData } from './fit.js';

/** What must travel with a checkpoint so eval and predict see data as training did. */
export interface DataInfo {
  source: string;
  featureNames: string[];
  targetName: string;
  classes: string[] | null;
  standardizer: Standardizer | null;
  featureInput: string;
  targetInput: string | null;
}

export interface PreparedData {
  train: FitData;
  valid: FitData | null;
  info: DataInfo;
  trainRows: number;
  validRows: number;
}

/** Loads the data a spec names (a built-in, or a CSV path relative to the spec file). */
export function loadDataset(
  data: DataSpec,
  specPath: string,
  seed: number,
  options: { classes?: string[]; task?: Task } = {},
): Dataset {
  if (data.csv) {
    const path = isAbsolute(data.csv) ? data.csv : resolve(dirname(specPath), data.csv);
    return loadCsv(path, { target: data.target as string, features: data.features, ...options });
  }
  return loadBuiltin(data.dataset as string, { seed, samples: data.samples, noise: data.noise });
}

/** Which input takes the features and which the target (train.data.bind, else the default rule). */
export function bindColumns(
  graph: Graph,
  data: DataSpec,
): { featureInput: GraphInput; targetInput: GraphInput | null } {
  const byName = new Map(graph.inputs.map((i) => [i.name, i]));
  if (data.bind) {
    const pick = (role: 'features' | 'target') => {
      const name = Object.keys(data.bind ?? {}).find((k) => data.bind?.[k] === role);
      if (name !== undefined && !byName.has(name)) {
        throw new DataError(
          `train.data.bind names '${name}', which is not an input (inputs: ${[...byName.keys()].join(', ')})`,
        );
      }
      return name === undefined ? undefined : byName.get(name);
    };
    const featureInput = pick('features');
    if (!featureInput)
      throw new DataError("train.data.bind must give one input the role 'features'");
    return { featureInput, targetInput: pick('target') ?? null };
  }
  const featureInput = graph.inputs.find((i) => i.dtype === 'float32');
  if (!featureInput)
    throw new DataError(`spec '${graph.name}' has no float32 input to take the features`);
  return { featureInput, targetInput: graph.inputs.find((i) => i !== featureInput) ?? null };
}

/** The features as a tensor of the input's shape (rows × the input's static dims). */
export function featureTensor(
  features: Float32Array,
  d: number,
  input: GraphInput,
  source: string,
): Tensor {
  const rest = input.shape.slice(1);
  const perRow = rest.every((x) => typeof x === 'number')
    ? (rest as number[]).reduce((a, b) => a * b, 1)
    : Number.NaN;
  if (perRow !== d) {
    throw new DataError(
      `input '${input.name}' has shape [${input.shape.join(', ')}], which takes ${Number.isNaN(perRow) ? 'a symbolic number of' : perRow} features per row, but ${source} has ${d} (${d === 1 ? 'one column' : `${d} columns`})`,
    );
  }
  return new Tensor(features, [features.length / d, ...(rest as number[])]);
}

function targetTensor(ds: Dataset, input: GraphInput, source: string): Tensor {
  const n = datasetSize(ds);
  const rest = input.shape.slice(1);
  if (!rest.every((x) => x === 1)) {
    throw new DataError(
      `input '${input.name}' has shape [${input.shape.join(', ')}]; a target input takes one value per row ([batch] or [batch, 1])`,
    );
  }
  const shape = [n, ...(rest as number[])];
  if (input.dtype === 'int32') {
    if (!(ds.target instanceof Int32Array)) {
      throw new DataError(
        `input '${input.name}' is int32 (class indices), but the target '${ds.targetName}' of ${source} holds real numbers (a regression target)`,
      );
    }
    return new Tensor(ds.target, shape);
  }
  return new Tensor(Float32Array.from(ds.target), shape);
}

const CLASSIFICATION_LOSSES = [
  'cross_entropy',
  'nll_loss',
  'binary_cross_entropy',
  'bce_with_logits',
];

/** What the loss makes of the target: class indices, or values to regress (mse_loss, l1_loss). */
function lossTask(graph: Graph): Task | undefined {
  const loss = graph.nodes.find((n) => n.name === graph.loss);
  if (!loss) return undefined;
  return CLASSIFICATION_LOSSES.includes(loss.op) ? 'classification' : 'regression';
}

/** The largest class count the loss can take: the last dim of the loss's prediction operand. */
function checkClassCount(graph: Graph, ds: Dataset, targetInput: GraphInput, source: string): void {
  const loss = graph.nodes.find((n) => n.name === graph.loss);
  if (!ds.classes || !loss || !CLASSIFICATION_LOSSES.includes(loss.op)) return;
  if (loss.inputs[1] !== targetInput.name) return;
  const prediction = graph.nodes.find((n) => n.name === loss.inputs[0]);
  const last = prediction?.shape[prediction.shape.length - 1];
  const limit = targetInput.dtype === 'int32' ? last : 2;
  if (typeof limit === 'number' && ds.classes.length > limit) {
    throw new DataError(
      `${source} has ${ds.classes.length} classes (${ds.classes.join(', ')}) but '${prediction?.name}' has ${limit} outputs; make the output layer ${ds.classes.length} wide`,
    );
  }
}

/**
 * Loads, splits (seeded), standardizes (statistics from the training rows only) and binds the
 * data to the spec's inputs. `known` gives the statistics and classes of an earlier run
 * (resume), so the data is seen exactly as it was.
 */
export function prepareData(
  graph: Graph,
  data: DataSpec,
  specPath: string,
  seed: number,
  known?: DataInfo,
): PreparedData {
  const source = data.csv ?? `data set '${data.dataset}'`;
  const ds = loadDataset(data, specPath, seed, {
    classes: known?.classes ?? undefined,
    task: lossTask(graph),
  });
  const { featureInput, targetInput } = bindColumns(graph, data);
  if (targetInput) checkClassCount(graph, ds, targetInput, source);
  const d = featureCount(ds);
  const { train, valid } = splitDataset(ds, { valid: data.valid ?? 0, seed });
  const standardizer = data.standardize
    ? (known?.standardizer ?? fitStandardizer(train.features, d))
    : null;
  const bind = (part: Dataset): FitData => {
    const features = standardizer
      ? applyStandardizer(part.features, d, standardizer)
      : part.features;
    const out: Record<string, Tensor> = {
      [featureInput.name]: featureTensor(features, d, featureInput, source),
    };
    if (targetInput) out[targetInput.name] = targetTensor(part, targetInput, source);
    return out;
  };
  return {
    train: bind(train),
    valid: valid ? bind(valid) : null,
    trainRows: datasetSize(train),
    validRows: valid ? datasetSize(valid) : 0,
    info: {
      source,
      featureNames: ds.featureNames,
      targetName: ds.targetName,
      classes: ds.classes,
      standardizer,
      featureInput: featureInput.name,
      targetInput: targetInput?.name ?? null,
    },
  };
}
