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
import { loadCheckpoint, restoreWeights, saveCheckpoint } from '../io/checkpoint.js';
import { CheckpointError } from '../io/safetensors.js';
import {
  CosineAnnealingLR,
  type LRScheduler,
  type SchedulerStateDict,
  StepLR,
} from '../optim/schedule.js';
import { SGD } from '../optim/sgd.js';
import { lowerSpecText, readSpec } from '../runtime/compile.js';
import { Model } from '../runtime/model.js';
import { withTrainSection } from '../spec/write.js';
import {
  type EpochRecord,
  type Examples,
  type FitState,
  fit,
  type StepProgress,
  TrainingError,
} from './fit.js';
import { type ResolvedTrain, resolveTrain, type TrainOverrides } from './train-config.js';
import { type DataInfo, isTokenInfo, prepareData } from './training-data.js';

export const RUN_FILES = {
  checkpoint: 'checkpoint.safetensors',
  metrics: 'metrics.jsonl',
  spec: 'spec.resolved.yaml',
  report: 'report.json',
} as const;

export interface TrainRunOptions extends TrainOverrides {
  specPath: string;
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
  }) => void;
  onEpoch?: (record: EpochRecord) => void;
  onStep?: (progress: StepProgress) => void;
  shouldStop?: () => boolean;
}

export interface TrainRunResult {
  runDir: string;
  /** Every epoch of the run, those before a resume included. */
  history: EpochRecord[];
  interrupted: boolean;
  report: Record<string, unknown>;
}

/** What the checkpoint's `fit` metadata holds: where the run is and how it was configured. */
interface RunState {
  state: FitState;
  train: ResolvedTrain;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

/** One line of metrics.jsonl: the epoch record without its timing, so reruns give the same file. */
function metricsLine(record: EpochRecord): string {
  const { seconds: _seconds, ...rest } = record;
  return `${JSON.stringify(rest)}\n`;
}

function makeScheduler(train: ResolvedTrain, optimizer: SGD): LRScheduler | undefined {
  const schedule = train.schedule;
  if (schedule?.step)
    return new StepLR(optimizer, { stepSize: schedule.step.step_size, gamma: schedule.step.gamma });
  if (schedule?.cosine) {
    return new CosineAnnealingLR(optimizer, {
      tMax: schedule.cosine.t_max ?? train.epochs,
      etaMin: schedule.cosine.eta_min,
    });
  }
  return undefined;
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
      `--resume continues a run with the settings it was started with; ${given.map(([flag]) => flag).join(', ')} cannot be changed (only --epochs can); start a new run to change them`,
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
  const compiled = lowerSpecText(text, { filename: options.specPath });
  const { graph } = compiled;
  if (options.resume) refuseResumeOverrides(options);
  const resumed = options.resume ? readRunState(options.resume) : null;
  const train = resumed
    ? { ...resumed.run.train, epochs: options.epochs ?? resumed.run.train.epochs }
    : resolveTrain(graph, options, options.specPath);
  const model = new Model(graph, { seed: train.seed });
  // The spec is checked against the checkpoint before anything else, so a checkpoint of another
  // spec is refused for what it is (the parameters that differ), not for its data.
  if (resumed) restoreWeights(model, resumed.checkpoint, resumed.path);
  const knownData = resumed?.checkpoint.metadata.data as DataInfo | undefined;
  const data = prepareData(graph, train.data, options.specPath, train.seed, knownData);
  checkFirstRow(model, data.train);
  const { sgd } = train.optimizer;
  const optimizer = new SGD(
    model.parameters().filter((p) => p.requiresGrad),
    {
      lr: sgd.lr,
      momentum: sgd.momentum,
      dampening: sgd.dampening,
      weightDecay: sgd.weight_decay,
      nesterov: sgd.nesterov,
      maximize: sgd.maximize,
    },
  );
  const scheduler = makeScheduler(train, optimizer);
  let history: EpochRecord[] = [];
  const runDir =
    options.resume ?? options.out ?? join('runs', `${graph.name}-${timestamp(new Date())}`);
  const metricsPath = join(runDir, RUN_FILES.metrics);
  if (resumed) {
    if (resumed.checkpoint.metadata.optimizer)
      optimizer.loadStateDict(resumed.checkpoint.metadata.optimizer);
    if (scheduler && resumed.checkpoint.metadata.scheduler) {
      scheduler.loadStateDict(resumed.checkpoint.metadata.scheduler as SchedulerStateDict);
    }
    // Epochs after the checkpoint (a crash between the two writes) are dropped: they run again.
    const lines = existsSync(metricsPath)
      ? readFileSync(metricsPath, 'utf8').split('\n').filter(Boolean)
      : [];
    history = lines
      .slice(0, resumed.run.state.epoch)
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
  const save = (state: FitState) => {
    savedStep = state.step;
    saveCheckpoint(join(runDir, RUN_FILES.checkpoint), model, optimizer, {
      specHash: compiled.hash,
      fit: { state, train } satisfies RunState,
      data: data.info,
      scheduler: scheduler?.stateDict(),
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
  });
  const started = Date.now();
  const every = train.checkpoint_every ?? 1;
  const writeReport = (steps: number, interrupted: boolean, stopped?: string) => {
    const last = history[history.length - 1];
    const report = {
      spec: options.specPath,
      name: graph.name,
      specHash: compiled.hash,
      epochs: history.length,
      steps,
      interrupted,
      ...(stopped ? { stopped } : {}),
      final: last ? { train: last.train, valid: last.valid } : null,
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
  try {
    result = await fit(model, data.train, {
      epochs: train.epochs,
      batchSize: train.batch_size,
      optimizer,
      scheduler,
      seed: train.seed,
      shuffle: train.shuffle,
      metrics: train.metrics,
      validationData: data.valid ?? undefined,
      resume: resumed?.run.state,
      onStep: options.onStep,
      shouldStop: options.shouldStop,
      onEpoch: (record, state) => {
        appendFileSync(metricsPath, metricsLine(record));
        if (state.epoch % every === 0 || state.epoch >= train.epochs) save(state);
        history.push(record);
        stepsDone = state.step;
        options.onEpoch?.(record);
      },
    });
  } catch (error) {
    // A run that blows up (a NaN loss) keeps its last checkpoint and says why it stopped.
    if (error instanceof TrainingError) writeReport(stepsDone, false, error.message);
    throw error;
  }
  if (savedStep !== result.state.step) save(result.state);
  const report = writeReport(result.state.step, result.interrupted);
  return { runDir, history, interrupted: result.interrupted, report };
}
