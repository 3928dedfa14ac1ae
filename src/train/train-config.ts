import { dirname, resolve } from 'node:path';
import type { Graph } from '../compiler/graph.js';
import type { DataSpec, ScheduleSpec, TrainSpec } from '../spec/types.js';
import { TrainingError } from './fit.js';
import { type MetricName, planMetrics } from './metrics.js';

/** Command-line values that override the spec's `train` section. */
export interface TrainOverrides {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  /** A CSV file to train on instead of the spec's data (relative to the working directory). */
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
  const data: DataSpec = overrides.data
    ? { ...train.data, dataset: undefined, csv: resolve(overrides.data) }
    : { ...train.data };
  if (!overrides.data && data.csv) data.csv = resolve(dirname(specPath), data.csv);
  if (!data.dataset && !data.csv) {
    throw new TrainingError(
      `spec '${graph.name}' names no data: add train.data ({dataset: NAME} or {csv: PATH, target: COLUMN}) or pass --data FILE.csv`,
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

/**
 * The schedule with its defaults written out; cosine's t_max is fixed to this run's epochs, so
 * a resumed run that asks for more epochs keeps the curve it started on.
 */
function resolveSchedule(schedule: ScheduleSpec, epochs: number): ScheduleSpec {
  if (schedule.step) return { step: { gamma: 0.1, ...schedule.step } };
  const cosine = schedule.cosine ?? {};
  return { cosine: { t_max: cosine.t_max ?? Math.max(1, epochs), eta_min: cosine.eta_min ?? 0 } };
}
