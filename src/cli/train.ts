import { Option } from 'commander';
import { formatDiagnostics } from '../spec/format.js';
import { readSpecFile } from '../spec/read.js';
import type { EpochRecord, StepProgress } from '../train/fit.js';
import { type RegisterCommand, useColor } from './io.js';
import { drawLossCurve } from './loss-curve.js';
import { dimOption, integerOption, numberOption } from './options.js';
import { epochLine, progressLine, type RunLength } from './progress.js';

interface TrainCliOptions {
  epochs?: number;
  maxSteps?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  data?: string;
  out?: string;
  resume?: string;
  json?: boolean;
  dim?: Record<string, number>;
}

/**
 * Signals that stop a run after its current step and a checkpoint, with the exit status a
 * shell gives a process killed by them (128 + the signal's number): Ctrl-C, and SIGTERM from
 * `kill`, `timeout`, `docker stop` or a CI job being cancelled.
 */
const STOPPING_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
type StoppingSignal = keyof typeof STOPPING_SIGNALS;

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('train')
    .description('train a spec on its data; writes a run folder with checkpoint and metrics')
    .argument('<spec>', 'the spec file')
    .addOption(new Option('--epochs <n>', 'number of epochs').argParser(integerOption))
    .addOption(
      new Option('--max-steps <n>', 'train for this many optimizer steps instead').argParser(
        integerOption,
      ),
    )
    .addOption(new Option('--lr <x>', 'learning rate').argParser(numberOption))
    .addOption(new Option('--batch-size <n>', 'samples per step').argParser(integerOption))
    .addOption(
      new Option('--seed <n>', 'seed of init, split and shuffling').argParser(integerOption),
    )
    .option(
      '--data <path>',
      "data to train on instead of the spec's: a CSV file, a text or lines file (for text data), or a folder of IDX files",
    )
    .option('--out <dir>', 'the run folder (default runs/<name>-<timestamp>)')
    .option('--resume <dir>', 'continue the run in this folder from its checkpoint')
    .option('--json', 'print one JSON object per epoch on stdout, and nothing else there')
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .action(async (specPath: string, options: TrainCliOptions) => {
      const { trainRun } = await import('../train/train-run.js');
      const signals = Object.keys(STOPPING_SIGNALS) as StoppingSignal[];
      let stopSignal: StoppingSignal | null = null;
      const stopListening = () => {
        for (const signal of signals) process.removeListener(signal, onSignal);
      };
      // Only the first signal is ours: a second one kills the process as usual.
      const onSignal = (signal: StoppingSignal) => {
        stopSignal = signal;
        stopListening();
        const what = signal === 'SIGINT' ? 'interrupted' : 'terminated';
        io.stderr(`\n${what}: finishing the current step and saving a checkpoint...\n`);
      };
      for (const signal of signals) process.on(signal, onSignal);
      const progress = io.isTTY.stderr && !options.json;
      let length: RunLength = 0;
      let started = Date.now();
      const done = { steps: 0, samples: 0 };
      let lastDraw = 0;
      try {
        const result = await trainRun({
          specPath,
          epochs: options.epochs,
          maxSteps: options.maxSteps,
          lr: options.lr,
          batchSize: options.batchSize,
          seed: options.seed,
          data: options.data,
          out: options.out,
          resume: options.resume,
          dims: options.dim,
          shouldStop: () => stopSignal !== null,
          onStart: (info) => {
            const { max_steps: maxSteps, epochs } = info.train;
            length =
              maxSteps === undefined ? (epochs as number) : { maxSteps, startStep: info.resumedAt };
            started = Date.now();
            const resumed = info.resumedAt > 0 ? `, resuming after step ${info.resumedAt}` : '';
            const test = info.testRows > 0 ? ` (${info.testRows} test rows kept apart)` : '';
            const planned = maxSteps === undefined ? `${epochs} epochs` : `${maxSteps} steps`;
            if (info.warnings.length > 0) {
              const text = readSpecFile(specPath).text;
              const sources = new Map(text === null ? [] : [[specPath, text]]);
              const color = useColor(io, 'stderr');
              io.stderr(`${formatDiagnostics(info.warnings, sources, { color })}\n`);
            }
            io.stderr(
              `training ${specPath}: ${info.trainRows} training rows, ${info.validRows} validation rows${test}, ${planned}${resumed}\nrun folder: ${info.runDir}\n`,
            );
            if (info.specChanged) {
              io.stderr(
                'warning: the spec has changed since this run started (its parameters still fit); the run goes on with the new graph and its original train settings\n',
              );
            }
          },
          onStep: progress
            ? (p: StepProgress) => {
                done.steps++;
                done.samples += p.rows;
                // Redrawn at most 10 times a second (and at each epoch's end): a terminal
                // cannot show more, and thousands of tiny steps would flood it.
                const now = Date.now();
                if (now - lastDraw < 100 && p.stepInEpoch < p.stepsPerEpoch) return;
                lastDraw = now;
                const elapsed = (now - started) / 1000;
                io.stderr(`\r${progressLine(p, length, elapsed, done)}\x1b[K`);
              }
            : undefined,
          onEpoch: (record: EpochRecord) => {
            if (options.json) io.stdout(`${JSON.stringify(record)}\n`);
            else io.stderr(`${progress ? '\r\x1b[K' : ''}${epochLine(record, length)}\n`);
          },
        });
        if (progress) io.stderr('\r\x1b[K');
        const stopped = result.report.stopped;
        if (typeof stopped === 'string') io.stderr(`${stopped}\n`);
        if (result.best) {
          const b = result.best;
          io.stderr(
            `best ${b.metric} ${Number(b.value.toPrecision(6))} at epoch ${b.epoch} (step ${b.step}): ${result.runDir}/${b.file}\n`,
          );
        }
        if (result.interrupted) {
          io.stderr(
            `saved ${result.runDir}/checkpoint.safetensors; continue with --resume ${result.runDir}\n`,
          );
          exit(STOPPING_SIGNALS[stopSignal ?? 'SIGINT']);
          return;
        }
        if (!options.json) {
          const curve = drawLossCurve(
            result.history.map((r) => r.train.loss),
            result.history.flatMap((r) => (r.valid ? [r.valid.loss] : [])),
            typeof length === 'number' ? {} : { steps: result.history.map((r) => r.step) },
          );
          const final = result.history[result.history.length - 1];
          const summary = final
            ? `final: train ${Object.entries(final.train)
                .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                .join(', ')}${
                final.valid
                  ? `; valid ${Object.entries(final.valid)
                      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                      .join(', ')}`
                  : ''
              }`
            : 'no epochs were run';
          io.stdout(
            `${curve ? `${curve}\n\n` : ''}${summary}\nrun folder: ${result.runDir} (checkpoint.safetensors, metrics.jsonl, spec.resolved.yaml, report.json)\n`,
          );
        }
      } finally {
        stopListening();
      }
    });
};
