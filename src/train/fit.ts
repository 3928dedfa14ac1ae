import { backward } from '../autograd/engine.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { LRScheduler } from '../optim/schedule.js';
import type { SGD } from '../optim/sgd.js';
import { ModelError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import { ValueError } from '../tensor/errors.js';
import { Rng } from '../tensor/rng.js';
import { type Examples, type FitData, isExamples, TableExamples } from './examples.js';
import { type MetricName, MetricTotals, planMetrics } from './metrics.js';

export type { Examples, FitData } from './examples.js';

export interface EpochRecord {
  epoch: number;
  step: number;
  lr: number;
  train: Record<string, number>;
  valid?: Record<string, number>;
  seconds: number;
}

export interface StepProgress {
  epoch: number;
  step: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** This step's loss. */
  loss: number;
  /** The epoch so far: mean loss and metrics over its samples (what the epoch line will say). */
  running: Record<string, number>;
  /** Samples seen in this epoch so far, and in this step. */
  samples: number;
  rows: number;
}

/** Where a run is, exactly enough to continue it bit for bit (saved in checkpoints). */
export interface FitState {
  /** Epochs completed before the current one (0-based index of the epoch under way). */
  epoch: number;
  stepInEpoch: number;
  step: number;
  /** The shuffling generator's state at the start of the epoch under way. */
  shuffleState: number[];
  dropoutState: number[];
  totals: number[];
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  optimizer: SGD;
  scheduler?: LRScheduler;
  seed?: number;
  shuffle?: boolean;
  metrics?: readonly MetricName[];
  validationData?: FitData | Examples;
  onEpoch?: (record: EpochRecord, state: FitState) => void | Promise<void>;
  onStep?: (progress: StepProgress) => void;
  /** Asked after every step; true ends the run there (the state says where). */
  shouldStop?: () => boolean;
  /** Continues a run from a checkpoint's state. */
  resume?: FitState;
}

export interface History {
  epochs: EpochRecord[];
  state: FitState;
  interrupted: boolean;
}

/** A run's stopping point that the user should hear about: a NaN loss, bad options. */
export class TrainingError extends ModelError {}

function examplesOf(data: FitData | Examples, what: string): Examples {
  return isExamples(data) ? data : new TableExamples(data, what);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains `model` by mini-batch SGD as Keras' fit does: each step zeroGrad (in place), forward, loss,
 * backward, optimizer step; after each epoch, validation in eval mode under noGrad, then the
 * schedule's step. Stops with a TrainingError at the first non-finite loss.
 */
export async function fit(
  model: Model,
  data: FitData | Examples,
  options: FitOptions,
): Promise<History> {
  const { epochs, batchSize, optimizer, scheduler } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`fit: batch size must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  }
  const lossName = model.graph.loss;
  if (lossName === null) throw new TrainingError(`spec '${model.graph.name}' has no loss to train`);
  const examples = examplesOf(data, 'fit');
  const plan = planMetrics(model.graph, options.metrics ?? []);
  const wanted = plan ? [lossName, plan.prediction] : [lossName];
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
  model.rng.setState(state.dropoutState);
  const history: EpochRecord[] = [];
  let lastYield = Date.now();
  model.train();
  while (state.epoch < epochs) {
    const started = Date.now();
    shuffleRng.setState(state.shuffleState);
    const indexSets = examples.pass(batchSize, {
      shuffle: options.shuffle ?? true,
      rng: shuffleRng,
    });
    const stepsPerEpoch = indexSets.length;
    const totals = new MetricTotals(plan);
    if (state.totals.length > 0) totals.setState(state.totals);
    const lr = optimizer.paramGroups[0].lr;
    for (let s = state.stepInEpoch; s < stepsPerEpoch; s++) {
      const batch = examples.batch(indexSets[s], true);
      // Zeroed in place, so steady-state steps allocate no gradient storage.
      optimizer.zeroGrad({ setToNone: false });
      const values = model.run(batch, wanted);
      const loss = values[lossName];
      const lossValue = loss.item();
      if (!Number.isFinite(lossValue)) {
        throw new TrainingError(
          `the loss became ${lossValue} at epoch ${state.epoch + 1}, step ${state.step + 1}; try a lower learning rate (now ${lr})`,
        );
      }
      backward(loss);
      optimizer.step();
      const size = batch[Object.keys(batch)[0]].shape[0];
      totals.add(
        lossValue,
        size,
        plan ? values[plan.prediction] : undefined,
        plan ? batch[plan.target] : undefined,
      );
      state.step++;
      state.stepInEpoch = s + 1;
      state.totals = totals.getState();
      state.dropoutState = model.rng.getState();
      options.onStep?.({
        epoch: state.epoch + 1,
        step: state.step,
        stepInEpoch: s + 1,
        stepsPerEpoch,
        loss: lossValue,
        running: totals.result(),
        samples: totals.count,
        rows: size,
      });
      if (options.shouldStop?.()) return { epochs: history, state, interrupted: true };
      if (Date.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = Date.now();
        if (options.shouldStop?.()) return { epochs: history, state, interrupted: true };
      }
    }
    const valid = options.validationData
      ? evaluate(model, options.validationData, { batchSize, metrics: options.metrics ?? [] })
      : undefined;
    scheduler?.step();
    const record: EpochRecord = {
      epoch: state.epoch + 1,
      step: state.step,
      lr,
      train: totals.result(),
      ...(valid ? { valid } : {}),
      seconds: (Date.now() - started) / 1000,
    };
    state.epoch++;
    state.stepInEpoch = 0;
    state.totals = [];
    state.shuffleState = shuffleRng.getState();
    history.push(record);
    await options.onEpoch?.(record, state);
  }
  return { epochs: history, state, interrupted: false };
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
