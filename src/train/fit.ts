import { backward } from '../autograd/engine.js';
import { noGrad } from '../autograd/grad-mode.js';
import { div } from '../ops/index.js';
import { clipGradNorm, clipGradValue } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ReduceLROnPlateau } from '../optim/plateau.js';
import { LRScheduler } from '../optim/schedule.js';
import { ModelError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import type { MonitoredMetric } from '../spec/types.js';
import { ValueError } from '../tensor/errors.js';
import { Rng } from '../tensor/rng.js';
import { type Examples, type FitData, isExamples, TableExamples } from './examples.js';
import { type MetricName, MetricTotals, planMetrics } from './metrics.js';

export type { Examples, FitData } from './examples.js';

/**
 * One evaluation: after each epoch, or every `evalEvery` steps with `maxSteps`. `train` holds
 * the means over the batches since the previous record; `lr` is the lr of the last update.
 */
export interface EpochRecord {
  /** The epoch (pass over the data) the record ends, or is in with maxSteps; 1-based. */
  epoch: number;
  /** Optimizer steps so far. */
  step: number;
  lr: number;
  train: Record<string, number>;
  valid?: Record<string, number>;
  /** With gradient-norm clipping: the mean and largest total norm (before clipping) of the interval's steps. */
  gradNorm?: { mean: number; max: number };
  seconds: number;
}

export interface StepProgress {
  epoch: number;
  /** Optimizer steps so far (with accumulation, one per `accumulate` batches). */
  step: number;
  /** Batches done in this epoch, and in a whole epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** This batch's loss. */
  loss: number;
  /** Since the last record: mean loss and metrics over its samples (what the record will say). */
  running: Record<string, number>;
  /** Samples seen since the last record, and in this batch. */
  samples: number;
  rows: number;
}

/** The watched metric's best value so far, for early stopping. */
export interface BestSoFar {
  value: number;
  epoch: number;
  step: number;
  /** Evaluations since the best one. */
  wait: number;
}

/** Where a run is, exactly enough to continue it bit for bit (saved in checkpoints). */
export interface FitState {
  /** Epochs (passes over the data) completed before the current one. */
  epoch: number;
  /** Batches done in the current epoch. */
  stepInEpoch: number;
  /** Optimizer steps done. */
  step: number;
  /**
   * Batches whose gradients are summed in the parameters' `.grad` towards the next step (with
   * accumulate > 1). A checkpoint taken then holds those gradients, and the run resumes with them.
   */
  microStep?: number;
  /** The shuffling generator's state at the start of the epoch under way. */
  shuffleState: number[];
  dropoutState: number[];
  /** The running metric sums since the last record. */
  totals: number[];
  /** [sum, max, count] of the total gradient norms since the last record (with clipGradNorm). */
  gradNorms?: number[];
  /** Early stopping: the best value so far, and whether the run has stopped on it. */
  best?: BestSoFar | null;
  stopped?: boolean;
}

/**
 * A learning-rate schedule as fit drives it: `afterStep` after every optimizer step,
 * `afterEvaluation` after every record (a trainer's composition; see train/run-schedule.ts).
 */
export interface FitSchedule {
  afterStep(): void;
  afterEvaluation(record: EpochRecord): void;
}

export interface EarlyStopping {
  metric: MonitoredMetric;
  /** Evaluations without improvement before the run stops. */
  patience: number;
  mode: 'min' | 'max';
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
}

export interface FitOptions {
  /** Passes over the data; or give maxSteps (optimizer steps) instead. */
  epochs?: number;
  maxSteps?: number;
  /** With maxSteps: optimizer steps between records (default maxSteps / 10). */
  evalEvery?: number;
  batchSize: number;
  /** Batches whose gradients are summed (each loss scaled by 1/accumulate) per optimizer step. */
  accumulate?: number;
  optimizer: Optimizer;
  /**
   * A schedule: stepped once per epoch (default) or per optimizer step (`interval`);
   * ReduceLROnPlateau takes `monitor` after each record.
   */
  scheduler?: LRScheduler | ReduceLROnPlateau | FitSchedule;
  interval?: 'epoch' | 'step';
  /** The metric ReduceLROnPlateau watches (default valid.loss with validation data, else train.loss). */
  monitor?: MonitoredMetric;
  /** torch.nn.utils.clip_grad_norm_ (2-norm) / clip_grad_value_ before every step. */
  clipGradNorm?: number;
  clipGradValue?: number;
  earlyStopping?: EarlyStopping;
  seed?: number;
  shuffle?: boolean;
  metrics?: readonly MetricName[];
  validationData?: FitData | Examples;
  onEpoch?: (record: EpochRecord, state: FitState) => void | Promise<void>;
  /** Called when the watched metric improves (before onEpoch): the moment to keep the weights. */
  onBest?: (record: EpochRecord, state: FitState) => void;
  onStep?: (progress: StepProgress) => void;
  /** Asked after every batch; true ends the run there (the state says where). */
  shouldStop?: () => boolean;
  /** Continues a run from a checkpoint's state (and, mid-accumulation, its gradients). */
  resume?: FitState;
}

export interface History {
  epochs: EpochRecord[];
  state: FitState;
  interrupted: boolean;
  /** Why the run ended before its planned length (early stopping), if it did. */
  stopped?: string;
}

/** A run's stopping point that the user should hear about: a NaN loss, bad options. */
export class TrainingError extends ModelError {}

function examplesOf(data: FitData | Examples, what: string): Examples {
  return isExamples(data) ? data : new TableExamples(data, what);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function wholeAtLeast(name: string, value: number | undefined, least: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < least)) {
    throw new ValueError(`fit: ${name} must be an integer >= ${least}, got ${value}`);
  }
}

/** The value a record gives a watched metric (`valid.loss`), or an error naming what is there. */
export function metricOf(record: EpochRecord, metric: MonitoredMetric, who: string): number {
  const [split, name] = metric.split('.') as ['train' | 'valid', string];
  const value = record[split]?.[name];
  if (value === undefined) {
    const known = [
      ...Object.keys(record.train).map((k) => `train.${k}`),
      ...Object.keys(record.valid ?? {}).map((k) => `valid.${k}`),
    ];
    throw new TrainingError(
      `${who} watches ${metric}, which this run does not report (it reports ${known.join(', ')})`,
    );
  }
  return value;
}

/** fit's `scheduler` option as the two calls fit makes. */
function asFitSchedule(options: FitOptions, hasValidation: boolean): FitSchedule | null {
  const { scheduler, interval = 'epoch' } = options;
  if (scheduler === undefined) return null;
  if (scheduler instanceof LRScheduler) {
    return {
      afterStep: () => {
        if (interval === 'step') scheduler.step();
      },
      afterEvaluation: () => {
        if (interval === 'epoch') scheduler.step();
      },
    };
  }
  if (scheduler instanceof ReduceLROnPlateau) {
    const monitor = options.monitor ?? (hasValidation ? 'valid.loss' : 'train.loss');
    return {
      afterStep: () => {},
      afterEvaluation: (record) => scheduler.step(metricOf(record, monitor, 'ReduceLROnPlateau')),
    };
  }
  return scheduler;
}

/**
 * Trains `model` by mini-batch gradient descent as Keras' fit and the usual PyTorch loop do:
 * batches from a fresh permutation each epoch; for each optimizer step, `accumulate` batches of
 * zeroGrad (at the first), forward, loss (scaled by 1/accumulate), backward; then clipping, the
 * optimizer's step and a per-step schedule. After each epoch (or every evalEvery steps with
 * maxSteps): validation in eval mode under noGrad, a record, a per-epoch schedule, early
 * stopping. Stops with a TrainingError at the first non-finite loss.
 */
export async function fit(
  model: Model,
  data: FitData | Examples,
  options: FitOptions,
): Promise<History> {
  const { batchSize, optimizer, maxSteps } = options;
  const accumulate = options.accumulate ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`fit: batch size must be a positive integer, got ${batchSize}`);
  }
  if ((options.epochs === undefined) === (maxSteps === undefined)) {
    throw new ValueError('fit: give either epochs or maxSteps');
  }
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 0)) {
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${options.epochs}`);
  }
  wholeAtLeast('maxSteps', maxSteps, 1);
  wholeAtLeast('accumulate', accumulate, 1);
  wholeAtLeast('evalEvery', options.evalEvery, 1);
  const epochs = options.epochs ?? Number.POSITIVE_INFINITY;
  const evalEvery = options.evalEvery ?? Math.max(1, Math.floor((maxSteps ?? 10) / 10));
  const lossName = model.graph.loss;
  if (lossName === null) throw new TrainingError(`spec '${model.graph.name}' has no loss to train`);
  const examples = examplesOf(data, 'fit');
  if (examples.size === 0) throw new ValueError('fit: the training data has no examples');
  const plan = planMetrics(model.graph, options.metrics ?? []);
  const wanted = plan ? [lossName, plan.prediction] : [lossName];
  const schedule = asFitSchedule(options, options.validationData !== undefined);
  const params = optimizer.paramGroups.flatMap((g) => g.params);
  const shuffleRng = new Rng(options.seed ?? 0);
  const state: FitState = options.resume
    ? structuredClone(options.resume)
    : {
        epoch: 0,
        stepInEpoch: 0,
        step: 0,
        shuffleState: shuffleRng.getState(),
        dropoutState: model.rng.getState(),
        totals: [],
      };
  state.microStep ??= 0;
  model.rng.setState(state.dropoutState);
  const history: EpochRecord[] = [];
  const totals = new MetricTotals(plan);
  if (state.totals.length > 0) totals.setState(state.totals);
  let lastYield = Date.now();
  let started = Date.now();
  let lastLr = optimizer.paramGroups[0].lr;
  let stopped: string | undefined;
  const done = () =>
    state.stopped === true ||
    (maxSteps !== undefined ? state.step >= maxSteps : state.epoch >= epochs);

  /** Validation, the record, the per-epoch schedule, early stopping; true when the run stops here. */
  const evaluation = async (epochEnded: boolean): Promise<boolean> => {
    const valid = options.validationData
      ? evaluate(model, options.validationData, { batchSize, metrics: options.metrics ?? [] })
      : undefined;
    const [normSum, normMax, normCount] = state.gradNorms ?? [0, 0, 0];
    const record: EpochRecord = {
      epoch: state.epoch + 1,
      step: state.step,
      lr: lastLr,
      train: totals.result(),
      ...(valid ? { valid } : {}),
      ...(options.clipGradNorm !== undefined && normCount > 0
        ? { gradNorm: { mean: normSum / normCount, max: normMax } }
        : {}),
      seconds: (Date.now() - started) / 1000,
    };
    schedule?.afterEvaluation(record);
    const stop = options.earlyStopping ? watch(options.earlyStopping, record) : false;
    if (epochEnded) {
      state.epoch++;
      state.stepInEpoch = 0;
      state.shuffleState = shuffleRng.getState();
    }
    totals.setState([0, 0, 0, 0, 0, 0]);
    state.totals = [];
    state.gradNorms = undefined;
    history.push(record);
    await options.onEpoch?.(record, state);
    started = Date.now();
    lastLr = optimizer.paramGroups[0].lr;
    return stop;
  };

  /** Early stopping after a record: keeps the best, counts evaluations since, stops at patience. */
  const watch = (rule: EarlyStopping, record: EpochRecord): boolean => {
    const value = metricOf(record, rule.metric, 'early_stopping');
    const best = state.best ?? null;
    const delta = rule.minDelta ?? 0;
    const improved =
      best === null ||
      (rule.mode === 'min' ? value < best.value - delta : value > best.value + delta);
    if (improved) {
      state.best = { value, epoch: record.epoch, step: record.step, wait: 0 };
      options.onBest?.(record, state);
      return false;
    }
    state.best = { ...best, wait: best.wait + 1 };
    if (state.best.wait < rule.patience) return false;
    state.stopped = true;
    stopped = `early stopping: ${rule.metric} has not improved for ${rule.patience} evaluations; the best, ${Number(best.value.toPrecision(6))}, was at epoch ${best.epoch} (step ${best.step})`;
    return true;
  };

  model.train();
  while (!done()) {
    shuffleRng.setState(state.shuffleState);
    const indexSets = examples.pass(batchSize, {
      shuffle: options.shuffle ?? true,
      rng: shuffleRng,
    });
    const batchesPerEpoch = indexSets.length;
    let endRun = false;
    for (let s = state.stepInEpoch; s < batchesPerEpoch && !endRun; s++) {
      const batch = examples.batch(indexSets[s], true);
      // Zeroed in place, so steady-state steps allocate no gradient storage.
      if (state.microStep === 0) optimizer.zeroGrad({ setToNone: false });
      const values = model.run(batch, wanted);
      const loss = values[lossName];
      const lossValue = loss.item();
      if (!Number.isFinite(lossValue)) {
        throw new TrainingError(
          `the loss became ${lossValue} at epoch ${state.epoch + 1}, step ${state.step + 1}; try a lower learning rate (now ${optimizer.paramGroups[0].lr})`,
        );
      }
      backward(accumulate > 1 ? div(loss, accumulate) : loss);
      const size = batch[Object.keys(batch)[0]].shape[0];
      totals.add(
        lossValue,
        size,
        plan ? values[plan.prediction] : undefined,
        plan ? batch[plan.target] : undefined,
      );
      state.microStep = (state.microStep ?? 0) + 1;
      state.stepInEpoch = s + 1;
      const epochEnds = s + 1 === batchesPerEpoch;
      // With epochs, an epoch's last batches make a step even when fewer than `accumulate`.
      const update = state.microStep === accumulate || (maxSteps === undefined && epochEnds);
      if (update) {
        if (options.clipGradValue !== undefined) clipGradValue(params, options.clipGradValue);
        if (options.clipGradNorm !== undefined) {
          const norm = clipGradNorm(params, options.clipGradNorm);
          const [sum, max, count] = state.gradNorms ?? [0, 0, 0];
          state.gradNorms = [sum + norm, Math.max(max, norm), count + 1];
        }
        lastLr = optimizer.paramGroups[0].lr;
        optimizer.step();
        state.step++;
        state.microStep = 0;
        schedule?.afterStep();
      }
      state.totals = totals.getState();
      state.dropoutState = model.rng.getState();
      options.onStep?.({
        epoch: state.epoch + 1,
        step: state.step,
        stepInEpoch: s + 1,
        stepsPerEpoch: batchesPerEpoch,
        loss: lossValue,
        running: totals.result(),
        samples: totals.count,
        rows: size,
      });
      if (update && maxSteps !== undefined) {
        const last = state.step >= maxSteps;
        if (last || state.step % evalEvery === 0) endRun = (await evaluation(false)) || last;
      }
      if (!endRun && options.shouldStop?.()) return { epochs: history, state, interrupted: true };
      if (!endRun && Date.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = Date.now();
        if (options.shouldStop?.()) return { epochs: history, state, interrupted: true };
      }
    }
    if (endRun) break;
    if (maxSteps === undefined) {
      if (await evaluation(true)) break;
    } else {
      state.epoch++;
      state.stepInEpoch = 0;
      state.shuffleState = shuffleRng.getState();
    }
  }
  return { epochs: history, state, interrupted: false, ...(stopped ? { stopped } : {}) };
}

/** Loss and metrics over `data` in eval mode, without recording a graph. */
export function evaluate(
  model: Model,
  data: FitData | Examples,
  options: { batchSize?: number; metrics?: readonly MetricName[] } = {},
): Record<string, number> {
  const lossName = model.graph.loss;
  if (lossName === null)
    throw new TrainingError(`spec '${model.graph.name}' has no loss to evaluate`);
  const examples = examplesOf(data, 'evaluate');
  const batchSize = options.batchSize ?? 256;
  const plan = planMetrics(model.graph, options.metrics ?? []);
  const wanted = plan ? [lossName, plan.prediction] : [lossName];
  const totals = new MetricTotals(plan);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (const indices of examples.pass(batchSize, { shuffle: false })) {
        const batch = examples.batch(indices);
        const values = model.run(batch, wanted);
        const size = batch[Object.keys(batch)[0]].shape[0];
        totals.add(
          values[lossName].item(),
          size,
          plan ? values[plan.prediction] : undefined,
          plan ? batch[plan.target] : undefined,
        );
      }
    });
  } finally {
    if (wasTraining) model.train();
  }
  return totals.result();
}
