import { dirname, isAbsolute, resolve } from 'node:path';
import type { Graph, GraphInput } from '../compiler/graph.js';
import {
  applyStandardizer,
  checkStreamLength,
  DataError,
  type Dataset,
  datasetSize,
  featureCount,
  fitStandardizer,
  type LineCorpus,
  lineExamples,
  loadBuiltin,
  loadCsv,
  loadIdx,
  loadLines,
  loadText,
  longestLine,
  type Standardizer,
  splitDataset,
  splitLines,
  splitStream,
  type Task,
  tokenDatasetPath,
  type Vocabulary,
} from '../data/index.js';
import type { DataSpec, TestDataSpec } from '../spec/types.js';
import { Tensor } from '../tensor/tensor.js';
import { type Examples, TableExamples, WindowExamples } from './examples.js';
import { tokenKind } from './train-config.js';

/** What must travel with a checkpoint so eval and predict see data as training did. */
export interface TableInfo {
  kind?: 'table';
  source: string;
  featureNames: string[];
  /** Images: the [channels, rows, cols] of each row's pixels (then featureNames is empty). */
  imageShape?: number[];
  targetName: string;
  classes: string[] | null;
  standardizer: Standardizer | null;
  featureInput: string;
  targetInput: string | null;
}

/** A language model's data: its vocabulary (token i is vocab[i]) and window length. */
export interface TokenInfo {
  kind: 'text' | 'lines';
  source: string;
  vocab: string[];
  blockSize: number;
  idsInput: string;
  targetInput: string;
}

export type DataInfo = TableInfo | TokenInfo;

export function isTokenInfo(info: DataInfo): info is TokenInfo {
  return info.kind === 'text' || info.kind === 'lines';
}

/** The width of one row of features: the feature names, or the pixels of an image. */
export function featureWidth(info: TableInfo): number {
  return info.imageShape ? info.imageShape.reduce((a, b) => a * b, 1) : info.featureNames.length;
}

export interface PreparedData {
  train: Examples;
  valid: Examples | null;
  /** The test split (train.data.test, or the t10k files of an IDX folder): never trained on. */
  test: Examples | null;
  info: DataInfo;
  trainRows: number;
  validRows: number;
  testRows: number;
}

/** A path of the spec relative to the spec file (resolved specs hold absolute paths). */
function specRelative(path: string, specPath: string): string {
  return isAbsolute(path) ? path : resolve(dirname(specPath), path);
}

/** Loads the table data a spec names (a built-in, a CSV path or IDX files relative to the spec file). */
export function loadDataset(
  data: DataSpec | TestDataSpec,
  specPath: string,
  seed: number,
  options: { classes?: string[]; task?: Task; target?: string; features?: string[] } = {},
): Dataset {
  if (data.csv) {
    return loadCsv(specRelative(data.csv, specPath), {
      target: options.target as string,
      features: options.features,
      classes: options.classes,
      task: options.task,
    });
  }
  if (data.idx) {
    return loadIdx(
      specRelative(data.idx.images, specPath),
      specRelative(data.idx.labels, specPath),
      {
        classes: options.classes,
      },
    );
  }
  const spec = data as DataSpec;
  return loadBuiltin(spec.dataset as string, { seed, samples: spec.samples, noise: spec.noise });
}

function describeSource(data: DataSpec | TestDataSpec): string {
  if (data.csv) return data.csv;
  if (data.idx) return data.idx.images;
  if (data.text) return data.text;
  if (data.lines) return data.lines;
  return `data set '${(data as DataSpec).dataset}'`;
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

/**
 * The features as a tensor of the input's shape: each row's d values fill the input's non-batch
 * dims in row-major order (64 CSV columns fill [batch, 1, 8, 8]; 28×28 images fill
 * [batch, 1, 28, 28] or [batch, 784]).
 */
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

/** The loss node and the width of its prediction operand's last dim, when both are known. */
function predictionWidth(graph: Graph): { name: string; width: number } | null {
  const loss = graph.nodes.find((n) => n.name === graph.loss);
  if (!loss || !CLASSIFICATION_LOSSES.includes(loss.op)) return null;
  const prediction = graph.nodes.find((n) => n.name === loss.inputs[0]);
  const last = prediction?.shape[prediction.shape.length - 1];
  return prediction && typeof last === 'number' ? { name: prediction.name, width: last } : null;
}

/** The largest class count the loss can take: the last dim of the loss's prediction operand. */
function checkClassCount(graph: Graph, ds: Dataset, targetInput: GraphInput, source: string): void {
  const loss = graph.nodes.find((n) => n.name === graph.loss);
  const prediction = predictionWidth(graph);
  if (!ds.classes || !loss || !prediction || loss.inputs[1] !== targetInput.name) return;
  const limit = targetInput.dtype === 'int32' ? prediction.width : 2;
  if (ds.classes.length > limit) {
    throw new DataError(
      `${source} has ${ds.classes.length} classes (${ds.classes.join(', ')}) but '${prediction.name}' has ${limit} outputs; make the output layer ${ds.classes.length} wide`,
    );
  }
}

/** A test split whose targets include a class that the training data never has is refused. */
function checkTestClasses(training: Dataset, test: Dataset, source: string): void {
  if (!training.classes || !(test.target instanceof Int32Array)) return;
  const seen = new Set(training.target);
  const at = test.target.findIndex((c) => !seen.has(c));
  if (at < 0) return;
  const name = training.classes[test.target[at]] ?? String(test.target[at]);
  throw new DataError(
    `test split: example ${at + 1} is of class '${name}', which the training data never has; a model cannot be tested on a class it was not trained on`,
    { file: source },
  );
}

function prepareTable(
  graph: Graph,
  data: DataSpec,
  specPath: string,
  seed: number,
  known: TableInfo | undefined,
): PreparedData {
  const source = describeSource(data);
  const options = {
    classes: known?.classes ?? data.classes,
    task: lossTask(graph),
    target: data.target,
    features: data.features,
  };
  const ds = loadDataset(data, specPath, seed, options);
  const { featureInput, targetInput } = bindColumns(graph, data);
  if (targetInput) checkClassCount(graph, ds, targetInput, source);
  const d = featureCount(ds);
  const { train, valid } = splitDataset(ds, { valid: data.valid ?? 0, seed });
  const standardizer = data.standardize
    ? (known?.standardizer ?? fitStandardizer(train.features, d))
    : null;
  let testSet: Dataset | null = null;
  if (data.test) {
    checkTestForm(data, data.test);
    // IDX labels are class indices, checked against the training labels below; CSV classes
    // are matched by name (an unknown name is an error naming its row).
    // A built-in table's test CSV has the built-in's columns (iris: species, moons: label).
    testSet = loadDataset(data.test, specPath, seed, {
      ...options,
      target: ds.targetName,
      classes: data.test.idx ? undefined : (ds.classes ?? undefined),
      features: ds.imageShape ? undefined : ds.featureNames,
    });
    if (featureCount(testSet) !== d) {
      throw new DataError(
        `test split: ${describeSource(data.test)} has ${featureCount(testSet)} features per example, the training data ${d}`,
      );
    }
    const labels = data.test.idx ? data.test.idx.labels : describeSource(data.test);
    checkTestClasses(ds, testSet, specRelative(labels, specPath));
  }
  const bind = (part: Dataset): Examples => {
    const features = standardizer
      ? applyStandardizer(part.features, d, standardizer)
      : part.features;
    const out: Record<string, Tensor> = {
      [featureInput.name]: featureTensor(features, d, featureInput, source),
    };
    if (targetInput) out[targetInput.name] = targetTensor(part, targetInput, source);
    return new TableExamples(out);
  };
  return {
    train: bind(train),
    valid: valid ? bind(valid) : null,
    test: testSet ? bind(testSet) : null,
    trainRows: datasetSize(train),
    validRows: valid ? datasetSize(valid) : 0,
    testRows: testSet ? datasetSize(testSet) : 0,
    info: {
      source,
      featureNames: ds.featureNames,
      ...(ds.imageShape ? { imageShape: ds.imageShape } : {}),
      targetName: ds.targetName,
      classes: ds.classes,
      standardizer,
      featureInput: featureInput.name,
      targetInput: targetInput?.name ?? null,
    },
  };
}

/** The test split has the form of the training source (a CSV for a CSV, IDX for IDX, ...). */
function checkTestForm(data: DataSpec, test: TestDataSpec): void {
  const trainKind = tokenKind(data) ?? (data.idx ? 'idx' : 'csv');
  const testKind = Object.keys(test)[0];
  if (testKind !== trainKind) {
    throw new DataError(
      `train.data.test is ${testKind} data, but the training data is ${trainKind}; a test split takes the form of the training source`,
    );
  }
}

/**
 * The ids and targets inputs of text and lines data: the first two declared inputs (or those
 * `bind` gives the roles features and target), each int32 [batch, T].
 */
function bindTokens(graph: Graph, data: DataSpec): { ids: GraphInput; targets: GraphInput } {
  let ids: GraphInput | undefined = graph.inputs[0];
  let targets: GraphInput | undefined = graph.inputs[1];
  if (data.bind) {
    const bound = bindColumns(graph, data);
    ids = bound.featureInput;
    targets = bound.targetInput ?? undefined;
  }
  if (!ids || !targets) {
    throw new DataError(
      `text and lines data feed two inputs, token ids and targets (int32 [batch, T] each), but spec '${graph.name}' declares ${graph.inputs.length}`,
    );
  }
  for (const [input, role] of [
    [ids, 'token ids'],
    [targets, 'targets (the next token at each position)'],
  ] as const) {
    if (input.dtype !== 'int32' || input.shape.length !== 2) {
      throw new DataError(
        `input '${input.name}' takes the ${role} of text data, so it must be int32 [batch, T]; it is ${input.dtype} [${input.shape.join(', ')}]`,
      );
    }
  }
  return { ids, targets };
}

/**
 * The window length: train.data.block_size, else the ids input's time dim when it is a number,
 * else (lines) the longest line + 1. A fixed time dim must equal block_size.
 */
function blockSizeOf(data: DataSpec, ids: GraphInput, longest: number | null): number {
  const time = ids.shape[1];
  const fixed = typeof time === 'number' ? time : null;
  const size = data.block_size ?? fixed ?? (longest === null ? null : longest + 1);
  if (size === null) {
    throw new DataError(
      `text data needs a window length: set train.data.block_size, or give input '${ids.name}' a fixed time dim`,
    );
  }
  if (fixed !== null && fixed !== size) {
    throw new DataError(
      `input '${ids.name}' has shape [${ids.shape.join(', ')}], windows of ${fixed} tokens, but train.data.block_size is ${size}`,
    );
  }
  return size;
}

/** The vocabulary must fit the loss's prediction: one logit per token. */
function checkVocabularySize(graph: Graph, vocab: Vocabulary, source: string): void {
  const prediction = predictionWidth(graph);
  if (prediction && vocab.length > prediction.width) {
    throw new DataError(
      `${source} has a vocabulary of ${vocab.length} tokens but '${prediction.name}' has ${prediction.width} outputs; make the output layer ${vocab.length} wide`,
    );
  }
}

function tokenPath(
  data: DataSpec | TestDataSpec,
  kind: 'text' | 'lines',
  specPath: string,
): string {
  const path = data[kind];
  if (path) return specRelative(path, specPath);
  return tokenDatasetPath((data as DataSpec).dataset as string);
}

function prepareTokens(
  graph: Graph,
  data: DataSpec,
  kind: 'text' | 'lines',
  specPath: string,
  seed: number,
  known: TokenInfo | undefined,
): PreparedData {
  const path = tokenPath(data, kind, specPath);
  const source = describeSource(data);
  const { ids, targets } = bindTokens(graph, data);
  const vocabOption = known ? { vocab: known.vocab } : {};
  const info = (vocab: Vocabulary, blockSize: number): TokenInfo => ({
    kind,
    source,
    vocab: [...vocab],
    blockSize,
    idsInput: ids.name,
    targetInput: targets.name,
  });
  if (data.test) checkTestForm(data, data.test);
  const testPath = data.test?.[kind] ? specRelative(data.test[kind] as string, specPath) : null;
  if (kind === 'text') {
    const corpus = loadText(path, vocabOption);
    checkVocabularySize(graph, corpus.vocab, source);
    const blockSize = known?.blockSize ?? blockSizeOf(data, ids, null);
    const parts = splitStream(corpus, data.valid ?? 0, blockSize);
    const windows = (tokens: Int32Array) =>
      new WindowExamples(tokens, blockSize, ids.name, targets.name);
    let test: Examples | null = null;
    if (testPath) {
      const testCorpus = loadText(testPath, { vocab: corpus.vocab });
      checkStreamLength(testCorpus.tokens.length, blockSize, `test split ${testPath}`);
      test = windows(testCorpus.tokens);
    }
    const train = windows(parts.train);
    const valid = parts.valid ? windows(parts.valid) : null;
    return {
      train,
      valid,
      test,
      trainRows: train.size,
      validRows: valid?.size ?? 0,
      testRows: test?.size ?? 0,
      info: info(corpus.vocab, blockSize),
    };
  }
  const corpus = loadLines(path, vocabOption);
  checkVocabularySize(graph, corpus.vocab, source);
  const blockSize = known?.blockSize ?? blockSizeOf(data, ids, longestLine(corpus));
  const table = (part: LineCorpus): Examples => {
    const { x, y, rows } = lineExamples(part, blockSize);
    return new TableExamples({
      [ids.name]: new Tensor(x, [rows, blockSize]),
      [targets.name]: new Tensor(y, [rows, blockSize]),
    });
  };
  // Every line is checked against the block size before the split, so the error names the
  // first offending line of the file whatever the seed.
  table(corpus);
  const parts = splitLines(corpus, data.valid ?? 0, seed);
  const test = testPath ? table(loadLines(testPath, { vocab: corpus.vocab })) : null;
  const train = table(parts.train);
  const valid = parts.valid ? table(parts.valid) : null;
  return {
    train,
    valid,
    test,
    trainRows: train.size,
    validRows: valid?.size ?? 0,
    testRows: test?.size ?? 0,
    info: info(corpus.vocab, blockSize),
  };
}

/**
 * Loads, splits (seeded), standardizes (statistics from the training rows only) and binds the
 * data to the spec's inputs; loads and checks the test split too (training never uses it).
 * `known` gives what an earlier run learned of its data (classes, statistics, vocabulary), so
 * eval and a resumed run see the data exactly as training did.
 */
export function prepareData(
  graph: Graph,
  data: DataSpec,
  specPath: string,
  seed: number,
  known?: DataInfo,
): PreparedData {
  if (data.classes && !data.csv && !data.idx) {
    throw new DataError(
      `train.data.classes names the classes of CSV and IDX data; ${describeSource(data)} has ${data.dataset ? 'its own' : 'no classes'}`,
    );
  }
  const kind = tokenKind(data);
  if (kind) {
    if (known && !isTokenInfo(known)) {
      throw new DataError(`the checkpoint was trained on table data, not ${kind} data`);
    }
    return prepareTokens(graph, data, kind, specPath, seed, known);
  }
  if (known && isTokenInfo(known)) {
    throw new DataError(`the checkpoint was trained on ${known.kind} data, not a table`);
  }
  return prepareTable(graph, data, specPath, seed, known);
}
