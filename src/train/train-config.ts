import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Graph } from '../compiler/graph.js';
import {
  FASHION_MNIST_CLASSES,
  findFashionMnist,
  idxFolder,
  TOKEN_DATASETS,
} from '../data/index.js';
import type { DataSpec, IdxSpec, ScheduleSpec, TestDataSpec, TrainSpec } from '../spec/types.js';
import { TrainingError } from './fit.js';
import { type MetricName, planMetrics } from './metrics.js';

/** Command-line values that override the spec's `train` section. */
export interface TrainOverrides {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  /**
   * Data to train on instead of the spec's (relative to the working directory): a folder of
   * IDX files with MNIST's standard names, a text or lines file for a spec whose data is text
   * or lines, else a CSV file.
   */
  data?: string;
}

/** The `train` section with every default filled in: what spec.resolved.yaml records. */
export interface ResolvedTrain {
  data: DataSpec;
  optimizer: {
    sgd: {
      lr: number;
      momentum: number;
      dampening: number;
      weight_decay: number;
      nesterov: boolean;
      maximize: boolean;
    };
  };
  epochs: number;
  batch_size: number;
  seed: number;
  shuffle: boolean;
  metrics: MetricName[];
  schedule?: ScheduleSpec;
  /** Epochs between checkpoints; the last epoch and an interruption always save. */
  checkpoint_every: number;
}

export const TRAIN_DEFAULTS = {
  epochs: 10,
  batch_size: 32,
  seed: 0,
  lr: 0.01,
} as const;

function check(condition: boolean, message: string): void {
  if (!condition) throw new TrainingError(message);
}

/**
 * Merges the spec's `train` section with overrides and defaults, and checks the result. A CSV
 * path becomes absolute (the spec's from the spec file's folder, --data's from the working
 * directory), so spec.resolved.yaml and a resumed run find the file from anywhere.
 */
export function resolveTrain(
  graph: Graph,
  overrides: TrainOverrides = {},
  specPath = '.',
): ResolvedTrain {
  const train: TrainSpec = graph.train ?? {};
  const sgd = train.optimizer?.sgd;
  const data = resolveData(train.data ?? {}, overrides.data, specPath);
  if (!data.dataset && !data.csv && !data.idx && !data.text && !data.lines) {
    throw new TrainingError(
      `spec '${graph.name}' names no data: add train.data ({dataset: NAME}, {csv: PATH, target: COLUMN}, {idx: ...}, {text: PATH} or {lines: PATH}) or pass --data PATH`,
    );
  }
  if (data.csv && !data.target) {
    throw new TrainingError(
      `training on ${data.csv} needs train.data.target: the column to predict`,
    );
  }
  const epochs = overrides.epochs ?? train.epochs ?? TRAIN_DEFAULTS.epochs;
  const resolved: ResolvedTrain = {
    data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as DataSpec,
    optimizer: {
      sgd: {
        lr: overrides.lr ?? sgd?.lr ?? TRAIN_DEFAULTS.lr,
        momentum: sgd?.momentum ?? 0,
        dampening: sgd?.dampening ?? 0,
        weight_decay: sgd?.weight_decay ?? 0,
        nesterov: sgd?.nesterov ?? false,
        maximize: sgd?.maximize ?? false,
      },
    },
    epochs,
    batch_size: overrides.batchSize ?? train.batch_size ?? TRAIN_DEFAULTS.batch_size,
    seed: overrides.seed ?? train.seed ?? TRAIN_DEFAULTS.seed,
    shuffle: train.shuffle ?? true,
    metrics: (train.metrics ?? []) as MetricName[],
    ...(train.schedule ? { schedule: resolveSchedule(train.schedule, epochs) } : {}),
    checkpoint_every: train.checkpoint_every ?? 1,
  };
  const { lr } = resolved.optimizer.sgd;
  check(Number.isFinite(lr) && lr >= 0, `the learning rate must be a number >= 0, got ${lr}`);
  check(
    Number.isInteger(resolved.batch_size) && resolved.batch_size >= 1,
    `the batch size must be a whole number >= 1, got ${resolved.batch_size}`,
  );
  check(
    Number.isInteger(resolved.epochs) && resolved.epochs >= 0,
    `epochs must be a whole number >= 0, got ${resolved.epochs}`,
  );
  check(Number.isInteger(resolved.seed), `the seed must be a whole number, got ${resolved.seed}`);
  planMetrics(graph, resolved.metrics);
  return resolved;
}

const SOURCE_KEYS = ['dataset', 'csv', 'idx', 'text', 'lines'] as const;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** text or lines when the data is a token source (a file, or a built-in such as names). */
export function tokenKind(data: DataSpec): 'text' | 'lines' | null {
  if (data.text) return 'text';
  if (data.lines) return 'lines';
  return data.dataset ? (TOKEN_DATASETS[data.dataset]?.kind ?? null) : null;
}

function withoutSource(data: DataSpec): DataSpec {
  const rest = { ...data };
  for (const key of SOURCE_KEYS) delete rest[key];
  return rest;
}

/**
 * The data section with every path absolute (the spec's relative to the spec file, --data's to
 * the working directory) and found data sets written out as their files, so a resolved spec
 * trains as-is from anywhere and names the exact files it used.
 */
function resolveData(spec: DataSpec, override: string | undefined, specPath: string): DataSpec {
  const fromSpec = (path: string) => resolve(dirname(specPath), path);
  const idxPaths = (idx: IdxSpec): IdxSpec => ({
    images: fromSpec(idx.images),
    labels: fromSpec(idx.labels),
  });
  let data: DataSpec = { ...spec };
  for (const key of ['csv', 'text', 'lines'] as const) {
    const path = data[key];
    if (path) data[key] = fromSpec(path);
  }
  if (data.idx) data.idx = idxPaths(data.idx);
  if (data.test) {
    const test: TestDataSpec = {};
    for (const key of ['csv', 'text', 'lines'] as const) {
      const path = data.test[key];
      if (path) test[key] = fromSpec(path);
    }
    if (data.test.idx) test.idx = idxPaths(data.test.idx);
    data.test = test;
  }
  // Fashion-MNIST's labels are named, found on the machine or in a --data folder alike.
  if (data.dataset === 'fashion_mnist' && !data.classes) data.classes = [...FASHION_MNIST_CLASSES];
  if (override !== undefined) {
    const path = resolve(override);
    const kind = tokenKind(data);
    if (isDirectory(path) || data.idx || data.dataset === 'fashion_mnist') {
      const folder = idxFolder(path);
      const {
        target: _t,
        features: _f,
        samples: _s,
        noise: _n,
        block_size: _b,
        ...rest
      } = withoutSource(data);
      data = { ...rest, idx: folder.train, ...(folder.test ? { test: { idx: folder.test } } : {}) };
    } else if (kind) {
      data = { ...withoutSource(data), [kind]: path };
    } else {
      data = { ...withoutSource(data), csv: path };
    }
  }
  if (data.dataset === 'fashion_mnist') {
    const folder = findFashionMnist();
    data = {
      ...withoutSource(data),
      idx: folder.train,
      ...(data.test ? { test: data.test } : folder.test ? { test: { idx: folder.test } } : {}),
    };
  }
  const builtin = data.dataset ? TOKEN_DATASETS[data.dataset] : undefined;
  if (builtin?.blockSize !== undefined && data.block_size === undefined) {
    data.block_size = builtin.blockSize;
  }
  return data;
}

/**
 * The schedule with its defaults written out; cosine's t_max is fixed to this run's epochs, so
 * a resumed run that asks for more epochs keeps the curve it started on.
 */
function resolveSchedule(schedule: ScheduleSpec, epochs: number): ScheduleSpec {
  if (schedule.step) return { step: { gamma: 0.1, ...schedule.step } };
  const cosine = schedule.cosine ?? {};
  return { cosine: { t_max: cosine.t_max ?? Math.max(1, epochs), eta_min: cosine.eta_min ?? 0 } };
}
