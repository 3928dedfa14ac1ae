import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '../autograd/grad-mode.js';
import { FileWriteError, writeFileAtomic } from '../io/atomic-write.js';
import {
  loadCheckpoint,
  restoreGradients,
  restoreWeights,
  saveCheckpoint,
} from '../io/checkpoint.js';
import { CheckpointError } from '../io/safetensors.js';
import { lowerSpecText, readSpec } from '../runtime/compile.js';
import { Model } from '../runtime/model.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import type { MonitoredMetric } from '../spec/types.js';
import { withTrainSection } from '../spec/write.js';
import {
  type EpochRecord,
  type Examples,
  type FitState,
  fit,
  type StepProgress,
  TrainingError,
} from './fit.js';
import { makeOptimizer } from './param-groups.js';
import { RunSchedule, type RunScheduleState } from './run-schedule.js';
import {
  finishTrain,
  type ResolvedTrain,
  resolveTrain,
  type TrainOverrides,
} from './train-config.js';
import { type DataInfo, isTokenInfo, prepareData } from './training-data.js';

export const RUN_FILES = {
  checkpoint: 'checkpoint.safetensors',
  best: 'best.safetensors',
  metrics: 'metrics.jsonl',
  spec: 'spec.resolved.yaml',
  report: 'report.json',
} as const;

export interface TrainRunOptions extends TrainOverrides {
  specPath: string;
  /** Values for the spec's dims (`--dim n_layer=6`); kept with the checkpoints. */
  dims?: Readonly<Record<string, number>>;
  /** The run folder (default runs/<name>-<timestamp>). */
  out?: string;
  /** A run folder to continue from its checkpoint. */
  resume?: string;
  onStart?: (info: {
    runDir: string;
    trainRows: number;
    validRows: number;
    /** Examples of the test split, which training never uses (0 without one). */
    testRows: number;
    train: ResolvedTrain;
    resumedAt: number;
    /** On --resume: the spec's text is not the one the checkpoint was written with. */
    specChanged: boolean;
    /** The spec's warnings (a param_groups glob that matches nothing, ...). */
    warnings: Diagnostic[];
  }) => void;
  onEpoch?: (record: EpochRecord) => void;
  onStep?: (progress: StepProgress) => void;
  shouldStop?: () => boolean;
}

export interface TrainRunResult {
  runDir: string;
  /** Every record of the run (one per epoch, or per eval_every steps), those before a resume included. */
  history: EpochRecord[];
  interrupted: boolean;
  report: Record<string, unknown>;
  /** With early_stopping: best.safetensors and the evaluation it holds. */
  best: BestCheckpoint | null;
}

/** What the checkpoint's `fit` metadata holds: where the run is and how it was configured. */
interface RunState {
  state: FitState;
  train: ResolvedTrain;
  /** Lines of metrics.jsonl written up to this checkpoint (format 1: one per epoch). */
  records?: number;
}

/** What best.safetensors says of itself (metadata `best`), and report.json repeats. */
export interface BestCheckpoint {
  file: string;
  metric: string;
  value: number;
  epoch: number;
  step: number;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

/** One line of metrics.jsonl: the epoch record without its timing, so reruns give the same file. */
function metricsLine(record: EpochRecord): string {
  const { seconds: _seconds, ...rest } = record;
  return `${JSON.stringify(rest)}\n`;
}

function readRunState(resumeDir: string) {
  const path = join(resumeDir, RUN_FILES.checkpoint);
  if (!existsSync(resumeDir))
    throw new CheckpointError(`--resume ${resumeDir}: no such run folder`);
  const checkpoint = loadCheckpoint(path);
  const run = checkpoint.metadata.fit as RunState | undefined;
  if (!run?.state || !run.train) {
    throw new CheckpointError(`${path} holds weights but no training state to resume from`);
  }
  return { checkpoint, run, path };
}

/**
 * A checkpoint's train section as this version resolves it: format-1 checkpoints predate
 * accumulation and schedule intervals (their schedules stepped per epoch).
 */
function storedTrain(train: ResolvedTrain): ResolvedTrain {
  return {
    ...train,
    accumulate: train.accumulate ?? 1,
    ...(train.schedule ? { schedule: { interval: 'epoch', ...train.schedule } } : {}),
  };
}

/** The run's length on --resume: the stored one, or the --epochs / --max-steps given. */
function resumedLength(train: ResolvedTrain, options: TrainRunOptions): ResolvedTrain {
  if (options.epochs !== undefined && train.max_steps !== undefined) {
    throw new TrainingError(
      `this run trains for max_steps (${train.max_steps}); continue it with --max-steps, not --epochs`,
    );
  }
  if (options.maxSteps !== undefined && train.epochs !== undefined) {
    throw new TrainingError(
      `this run trains for epochs (${train.epochs}); continue it with --epochs, not --max-steps`,
    );
  }
  if (options.epochs !== undefined) return { ...train, epochs: options.epochs };
  if (options.maxSteps !== undefined) return { ...train, max_steps: options.maxSteps };
  return train;
}

/** On --resume the run goes on as it was configured; only its length may change. */
function refuseResumeOverrides(options: TrainRunOptions): void {
  const given = (
    [
      ['--lr', options.lr],
      ['--batch-size', options.batchSize],
      ['--seed', options.seed],
      ['--data', options.data],
      ['--out', options.out],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (given.length > 0) {
    throw new TrainingError(
      `--resume continues a run with the settings it was started with; ${given.map(([flag]) => flag).join(', ')} cannot be changed (only --epochs or --max-steps can); start a new run to change them`,
    );
  }
}

/**
 * One row through the loss in eval mode before the run folder is made: a binding or shape
 * mistake the data reveals is reported with nothing written. Eval mode draws no dropout
 * numbers, so the run is the same as without this check.
 */
function checkFirstRow(model: Model, examples: Examples): void {
  const row = examples.batch(examples.pass(1, { shuffle: false })[0]);
  model.eval();
  try {
    noGrad(() => model.loss(row));
  } finally {
    model.train();
  }
}

function checkRunFolder(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new TrainingError(
      `${dir} already holds files; pick another --out, or continue that run with --resume ${dir}`,
    );
  }
}

/**
 * `modelspec train` as a library call: everything is loaded and checked (spec, data, binding,
 * checkpoint) before the run folder is made, so a mistake leaves nothing half-written. Each
 * epoch appends to metrics.jsonl and rewrites the checkpoint atomically; an interruption saves
 * the exact mid-epoch state, and --resume continues to the same weights as an unbroken run.
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  const text = readSpec(options.specPath);
  const compiled = lowerSpecText(text, { filename: options.specPath, dims: options.dims });
  const { graph } = compiled;
  if (options.resume) refuseResumeOverrides(options);
  const resumed = options.resume ? readRunState(options.resume) : null;
  const given = resumed
    ? resumedLength(storedTrain(resumed.run.train), options)
    : resolveTrain(graph, options, options.specPath);
  const model = new Model(graph, { seed: given.seed });
  // The spec is checked against the checkpoint before anything else, so a checkpoint of another
  // spec is refused for what it is (the parameters that differ), not for its data.
  if (resumed) restoreWeights(model, resumed.checkpoint, resumed.path);
  const knownData = resumed?.checkpoint.metadata.data as DataInfo | undefined;
  const data = prepareData(graph, given.data, options.specPath, given.seed, knownData);
  checkFirstRow(model, data.train);
  const stepsPerEpoch = Math.ceil(Math.ceil(data.train.size / given.batch_size) / given.accumulate);
  const train = resumed
    ? given
    : finishTrain(given, { stepsPerEpoch, hasValidation: data.valid !== null });
  const optimizer = makeOptimizer(model, train);
  const schedule = train.schedule ? new RunSchedule(optimizer, train.schedule) : null;
  let history: EpochRecord[] = [];
  const runDir =
    options.resume ?? options.out ?? join('runs', `${graph.name}-${timestamp(new Date())}`);
  const metricsPath = join(runDir, RUN_FILES.metrics);
  if (resumed) {
    const { metadata } = resumed.checkpoint;
    if (metadata.optimizer) {
      const name = metadata.optimizerName;
      if (name !== optimizer.definition.name) {
        throw new CheckpointError(
          `${resumed.path} holds the state of optimizer '${name}', but the run uses '${optimizer.definition.name}'`,
        );
      }
      optimizer.loadStateDict(metadata.optimizer);
    }
    if (schedule && metadata.scheduler) {
      const stored = metadata.scheduler as RunScheduleState & { lastEpoch?: number };
      // Format 1 kept the one schedule's state itself.
      schedule.loadStateDict(
        stored.lastEpoch !== undefined ? { scheduler: stored as never } : stored,
      );
    }
    if ((resumed.run.state.microStep ?? 0) > 0) {
      restoreGradients(model, resumed.checkpoint, resumed.path);
    }
    // Records after the checkpoint (a crash between the two writes) are dropped: they run again.
    const lines = existsSync(metricsPath)
      ? readFileSync(metricsPath, 'utf8').split('\n').filter(Boolean)
      : [];
    history = lines
      .slice(0, resumed.run.records ?? resumed.run.state.epoch)
      .map((line) => JSON.parse(line) as EpochRecord);
    writeFileAtomic(metricsPath, Buffer.from(history.map(metricsLine).join('')));
  } else {
    checkRunFolder(runDir);
    try {
      mkdirSync(runDir, { recursive: true });
    } catch (error) {
      throw new FileWriteError(runDir, error);
    }
    writeFileAtomic(join(runDir, RUN_FILES.spec), withTrainSection(text, train));
    writeFileSync(metricsPath, '');
  }
  let savedStep = -1;
  let savedMicroStep = -1;
  const save = (state: FitState) => {
    savedStep = state.step;
    savedMicroStep = state.microStep ?? 0;
    saveCheckpoint(join(runDir, RUN_FILES.checkpoint), model, optimizer, {
      dims: { ...options.dims },
      specHash: compiled.hash,
      fit: { state, train, records: history.length } satisfies RunState,
      data: data.info,
      scheduler: schedule?.stateDict(),
      gradients: (state.microStep ?? 0) > 0,
    });
  };
  let best = (resumed?.checkpoint.metadata.best as BestCheckpoint | undefined) ?? null;
  const saveBest = (record: EpochRecord, state: FitState) => {
    const rule = train.early_stopping;
    if (!rule) return;
    best = {
      file: RUN_FILES.best,
      metric: rule.metric as string,
      value: state.best?.value as number,
      epoch: record.epoch,
      step: record.step,
    };
    saveCheckpoint(join(runDir, RUN_FILES.best), model, undefined, {
      dims: { ...options.dims },
      specHash: compiled.hash,
      fit: { state, train, records: history.length + 1 } satisfies RunState,
      data: data.info,
      best,
    });
  };
  options.onStart?.({
    runDir,
    trainRows: data.trainRows,
    validRows: data.validRows,
    testRows: data.testRows,
    train,
    resumedAt: resumed?.run.state.step ?? 0,
    specChanged: resumed !== null && resumed.checkpoint.metadata.specHash !== compiled.hash,
    warnings: compiled.diagnostics.filter((d) => d.severity === 'warning'),
  });
  const started = Date.now();
  const every = train.checkpoint_every ?? 1;
  const writeReport = (steps: number, interrupted: boolean, stopped?: string) => {
    const last = history[history.length - 1];
    const report = {
      spec: options.specPath,
      name: graph.name,
      specHash: compiled.hash,
      epochs: last?.epoch ?? 0,
      steps,
      interrupted,
      ...(stopped ? { stopped } : {}),
      final: last ? { train: last.train, valid: last.valid } : null,
      ...(best ? { best } : {}),
      parameters: model.parameters().reduce((n, p) => n + p.size, 0),
      data: {
        source: data.info.source,
        trainRows: data.trainRows,
        validRows: data.validRows,
        testRows: data.testRows,
        ...(isTokenInfo(data.info)
          ? { vocabulary: data.info.vocab.length, blockSize: data.info.blockSize }
          : { classes: data.info.classes }),
      },
      seconds: (Date.now() - started) / 1000,
    };
    writeFileAtomic(
      join(runDir, RUN_FILES.report),
      Buffer.from(`${JSON.stringify(report, null, 2)}\n`),
    );
    return report;
  };
  let stepsDone = resumed?.run.state.step ?? 0;
  let result: Awaited<ReturnType<typeof fit>>;
  const length = train.max_steps ?? (train.epochs as number);
  try {
    result = await fit(model, data.train, {
      ...(train.max_steps !== undefined
        ? { maxSteps: train.max_steps, evalEvery: train.eval_every }
        : { epochs: train.epochs }),
      batchSize: train.batch_size,
      accumulate: train.accumulate,
      optimizer,
      ...(schedule ? { scheduler: schedule } : {}),
      clipGradNorm: train.clip_grad_norm,
      clipGradValue: train.clip_grad_value,
      ...(train.early_stopping
        ? {
            earlyStopping: {
              metric: train.early_stopping.metric as MonitoredMetric,
              patience: train.early_stopping.patience as number,
              mode: train.early_stopping.mode as 'min' | 'max',
              minDelta: train.early_stopping.min_delta,
            },
          }
        : {}),
      seed: train.seed,
      shuffle: train.shuffle,
      metrics: train.metrics,
      validationData: data.valid ?? undefined,
      resume: resumed?.run.state,
      onStep: options.onStep,
      shouldStop: options.shouldStop,
      onBest: saveBest,
      onEpoch: (record, state) => {
        appendFileSync(metricsPath, metricsLine(record));
        history.push(record);
        const at = train.max_steps !== undefined ? state.step : state.epoch;
        if (history.length % every === 0 || at >= length || state.stopped) save(state);
        stepsDone = state.step;
        options.onEpoch?.(record);
      },
    });
  } catch (error) {
    // A run that blows up (a NaN loss) keeps its last checkpoint and says why it stopped.
    if (error instanceof TrainingError) writeReport(stepsDone, false, error.message);
    throw error;
  }
  const { state } = result;
  if (savedStep !== state.step || savedMicroStep !== (state.microStep ?? 0)) save(state);
  const report = writeReport(state.step, result.interrupted, result.stopped);
  return { runDir, history, interrupted: result.interrupted, report, best };
}
