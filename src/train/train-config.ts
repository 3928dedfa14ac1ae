import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Graph } from '../compiler/graph.js';
import {
  FASHION_MNIST_CLASSES,
  findFashionMnist,
  idxFolder,
  TOKEN_DATASETS,
} from '../data/index.js';
import { optimizerDefinition, resolvedSpecOptions } from '../optim/registry.js';
import type {
  DataSpec,
  EarlyStoppingSpec,
  IdxSpec,
  MonitoredMetric,
  ParamGroupSpec,
  ScheduleSpec,
  TestDataSpec,
  TrainSpec,
} from '../spec/types.js';
import { TrainingError } from './fit.js';
import { type MetricName, planMetrics } from './metrics.js';

/** Command-line values that override the spec's `train` section. */
export interface TrainOverrides {
  epochs?: number;
  maxSteps?: number;
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
  /** One key, the optimizer's name, with every one of its options. */
  optimizer: Record<string, Record<string, unknown>>;
  param_groups?: ParamGroupSpec[];
  clip_grad_norm?: number;
  clip_grad_value?: number;
  /** Exactly one of epochs and max_steps. */
  epochs?: number;
  max_steps?: number;
  /** With max_steps: optimizer steps between evaluations. */
  eval_every?: number;
  accumulate: number;
  /** Every field filled in by finishTrain (the default metric depends on the data). */
  early_stopping?: EarlyStoppingSpec;
  batch_size: number;
  seed: number;
  shuffle: boolean;
  metrics: MetricName[];
  schedule?: ScheduleSpec;
  /** Evaluations between checkpoints; the last one and an interruption always save. */
  checkpoint_every: number;
}

export const TRAIN_DEFAULTS = {
  epochs: 10,
  batch_size: 32,
  seed: 0,
  lr: 0.01,
  patience: 5,
} as const;

function check(condition: boolean, message: string): void {
  if (!condition) throw new TrainingError(message);
}

/** The optimizer section with every option written out (sgd with lr 0.01 when none is given). */
function resolveOptimizer(train: TrainSpec, lr: number | undefined): ResolvedTrain['optimizer'] {
  const given = train.optimizer ?? { sgd: { lr: TRAIN_DEFAULTS.lr } };
  const entries = Object.entries(given);
  check(entries.length === 1, `train.optimizer names ${entries.length} optimizers; give one`);
  const [name, options] = entries[0];
  const definition = optimizerDefinition(name);
  const specOptions = { ...(options ?? {}) } as Record<string, unknown>;
  if (lr !== undefined) specOptions.lr = lr;
  // An optimizer whose lr torch leaves without a default (SGD) takes the spec's.
  if (specOptions.lr === undefined && definition.options.lr.default === undefined) {
    specOptions.lr = TRAIN_DEFAULTS.lr;
  }
  return { [name]: resolvedSpecOptions(definition, specOptions) };
}

/** The metric a watcher looks at by default, and whether larger is better for it. */
export function defaultMetric(hasValidation: boolean): MonitoredMetric {
  return hasValidation ? 'valid.loss' : 'train.loss';
}

export function modeOf(metric: MonitoredMetric): 'min' | 'max' {
  return metric.endsWith('.accuracy') ? 'max' : 'min';
}

/** The metric `who` watches (given, or the default), refused when it needs a missing split. */
function watched(
  who: string,
  given: MonitoredMetric | undefined,
  shape: RunShape,
): MonitoredMetric {
  const metric = given ?? defaultMetric(shape.hasValidation);
  if (metric.startsWith('valid.') && !shape.hasValidation) {
    throw new TrainingError(
      `${who} watches ${metric}, but the run has no validation split; set train.data.valid (e.g. 0.2) or watch train.loss`,
    );
  }
  return metric;
}

/**
 * Merges the spec's `train` section with overrides and defaults, and checks the result. A CSV
 * path becomes absolute (the spec's from the spec file's folder, --data's from the working
 * directory), so spec.resolved.yaml and a resumed run find the file from anywhere. What
 * depends on the data (a schedule's length in steps) is filled in by finishTrain.
 */
export function resolveTrain(
  graph: Graph,
  overrides: TrainOverrides = {},
  specPath = '.',
): ResolvedTrain {
  const train: TrainSpec = graph.train ?? {};
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
  check(
    overrides.epochs === undefined || overrides.maxSteps === undefined,
    '--epochs and --max-steps cannot be given together',
  );
  // A command-line length replaces the spec's, whichever kind it is.
  const maxSteps =
    overrides.maxSteps ?? (overrides.epochs === undefined ? train.max_steps : undefined);
  const length =
    maxSteps !== undefined
      ? {
          max_steps: maxSteps,
          eval_every:
            (overrides.maxSteps === undefined ? train.eval_every : undefined) ??
            Math.max(1, Math.floor(maxSteps / 10)),
        }
      : { epochs: overrides.epochs ?? train.epochs ?? TRAIN_DEFAULTS.epochs };
  const resolved: ResolvedTrain = {
    data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as DataSpec,
    optimizer: resolveOptimizer(train, overrides.lr),
    ...(train.param_groups ? { param_groups: structuredClone(train.param_groups) } : {}),
    ...(train.clip_grad_norm !== undefined ? { clip_grad_norm: train.clip_grad_norm } : {}),
    ...(train.clip_grad_value !== undefined ? { clip_grad_value: train.clip_grad_value } : {}),
    ...length,
    accumulate: train.accumulate ?? 1,
    ...(train.early_stopping ? { early_stopping: structuredClone(train.early_stopping) } : {}),
    batch_size: overrides.batchSize ?? train.batch_size ?? TRAIN_DEFAULTS.batch_size,
    seed: overrides.seed ?? train.seed ?? TRAIN_DEFAULTS.seed,
    shuffle: train.shuffle ?? true,
    metrics: (train.metrics ?? []) as MetricName[],
    ...(train.schedule ? { schedule: structuredClone(train.schedule) } : {}),
    checkpoint_every: train.checkpoint_every ?? 1,
  };
  const lr = Object.values(resolved.optimizer)[0].lr as number;
  check(Number.isFinite(lr) && lr >= 0, `the learning rate must be a number >= 0, got ${lr}`);
  check(
    Number.isInteger(resolved.batch_size) && resolved.batch_size >= 1,
    `the batch size must be a whole number >= 1, got ${resolved.batch_size}`,
  );
  if (resolved.epochs !== undefined) {
    check(
      Number.isInteger(resolved.epochs) && resolved.epochs >= 0,
      `epochs must be a whole number >= 0, got ${resolved.epochs}`,
    );
  } else {
    check(
      Number.isInteger(resolved.max_steps) && (resolved.max_steps as number) >= 1,
      `max_steps must be a whole number >= 1, got ${resolved.max_steps}`,
    );
  }
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

/** What the schedule's defaults depend on, known once the data is loaded. */
export interface RunShape {
  /** Optimizer steps in one pass over the training data. */
  stepsPerEpoch: number;
  hasValidation: boolean;
}

/**
 * The schedule with its defaults written out, in the units of its interval: the warmup in
 * steps or epochs, and the main schedule's length (cosine's t_max, onecycle's steps) set to
 * what is left of the run after the warmup. It is fixed there, so a resumed run that asks for
 * more epochs keeps the curve it started on.
 */
export function finishTrain(train: ResolvedTrain, shape: RunShape): ResolvedTrain {
  const out = structuredClone(train);
  if (out.early_stopping) {
    const given = out.early_stopping;
    const metric = watched('early_stopping', given.metric, shape);
    out.early_stopping = {
      metric,
      patience: given.patience ?? TRAIN_DEFAULTS.patience,
      mode: given.mode ?? modeOf(metric),
      min_delta: given.min_delta ?? 0,
    };
  }
  if (out.schedule) out.schedule = finishSchedule(out, out.schedule, shape);
  return out;
}

function finishSchedule(
  train: ResolvedTrain,
  schedule: ScheduleSpec,
  shape: RunShape,
): ScheduleSpec {
  const stepped = train.max_steps !== undefined;
  const interval =
    schedule.interval ??
    (stepped || schedule.onecycle || schedule.warmup?.steps !== undefined ? 'step' : 'epoch');
  const perInterval = interval === 'step' ? 1 : shape.stepsPerEpoch;
  const total =
    train.max_steps ?? Math.ceil(((train.epochs as number) * shape.stepsPerEpoch) / perInterval);
  const out: ScheduleSpec = {};
  let warmupLength = 0;
  if (schedule.warmup) {
    const { epochs, steps, start_factor = 1 / 3 } = schedule.warmup;
    warmupLength =
      steps ??
      (interval === 'step' ? (epochs as number) * shape.stepsPerEpoch : (epochs as number));
    out.warmup = { [interval === 'step' ? 'steps' : 'epochs']: warmupLength, start_factor };
  }
  const rest = Math.max(1, total - warmupLength);
  if (schedule.step) out.step = { gamma: 0.1, ...schedule.step };
  if (schedule.multistep) out.multistep = { gamma: 0.1, ...schedule.multistep };
  if (schedule.exponential) out.exponential = { ...schedule.exponential };
  if (schedule.cosine) {
    out.cosine = { t_max: schedule.cosine.t_max ?? rest, eta_min: schedule.cosine.eta_min ?? 0 };
  }
  if (schedule.onecycle) {
    const o = schedule.onecycle;
    out.onecycle = {
      max_lr: o.max_lr ?? groupLrs(train),
      total_steps: o.total_steps ?? rest,
      pct_start: o.pct_start ?? 0.3,
      anneal_strategy: o.anneal_strategy ?? 'cos',
      cycle_momentum: o.cycle_momentum ?? true,
      base_momentum: o.base_momentum ?? 0.85,
      max_momentum: o.max_momentum ?? 0.95,
      div_factor: o.div_factor ?? 25,
      final_div_factor: o.final_div_factor ?? 1e4,
      three_phase: o.three_phase ?? false,
    };
  }
  if (schedule.reduce_on_plateau) {
    const p = schedule.reduce_on_plateau;
    const metric = watched('reduce_on_plateau', p.metric, shape);
    out.reduce_on_plateau = {
      metric,
      mode: p.mode ?? modeOf(metric),
      factor: p.factor ?? 0.1,
      patience: p.patience ?? 10,
      threshold: p.threshold ?? 1e-4,
      threshold_mode: p.threshold_mode ?? 'rel',
      cooldown: p.cooldown ?? 0,
      min_lr: p.min_lr ?? 0,
      eps: p.eps ?? 1e-8,
    };
  }
  out.interval = interval;
  return out;
}

/**
 * onecycle's default peak: the optimizer's lr, or each group's when param_groups give groups
 * their own (the default group first, as the optimizer holds them).
 */
function groupLrs(train: ResolvedTrain): number | number[] {
  const lr = Object.values(train.optimizer)[0].lr as number;
  const groups = train.param_groups ?? [];
  if (groups.every((g) => g.lr === undefined)) return lr;
  return [lr, ...groups.map((g) => g.lr ?? lr)];
}

/** The optimizer's name and spec options of a resolved train section. */
export function optimizerOf(train: ResolvedTrain): [string, Record<string, unknown>] {
  return Object.entries(train.optimizer)[0];
}
