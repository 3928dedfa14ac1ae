import { Option } from 'commander';
import type { EpochRecord, StepProgress } from '../runtime/fit.js';
import type { RegisterCommand } from './io.js';
import { drawLossCurve } from './loss-curve.js';
import { integerOption, numberOption } from './options.js';
import { epochLine, progressLine } from './progress.js';

interface TrainCliOptions {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  data?: string;
  out?: string;
  resume?: string;
  json?: boolean;
}

/** Exit status of a run stopped by Ctrl-C after saving (128 + SIGINT). */
const INTERRUPTED = 130;

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('train')
    .description('train a spec on its data; writes a run folder with checkpoint and metrics')
    .argument('<spec>', 'the spec file')
    .addOption(new Option('--epochs <n>', 'number of epochs').argParser(integerOption))
    .addOption(new Option('--lr <x>', 'learning rate').argParser(numberOption))
    .addOption(new Option('--batch-size <n>', 'samples per step').argParser(integerOption))
    .addOption(
      new Option('--seed <n>', 'seed of init, split and shuffling').argParser(integerOption),
    )
    .option('--data <path>', "a CSV file to train on instead of the spec's data")
    .option('--out <dir>', 'the run folder (default runs/<name>-<timestamp>)')
    .option('--resume <dir>', 'continue the run in this folder from its checkpoint')
    .option('--json', 'print one JSON object per epoch on stdout, and nothing else there')
    .action(async (specPath: string, options: TrainCliOptions) => {
      const { trainRun } = await import('../runtime/train-run.js');
      let stopRequested = false;
      const onSigint = () => {
        stopRequested = true;
        io.stderr('\ninterrupted: finishing the current step and saving a checkpoint...\n');
      };
      process.once('SIGINT', onSigint);
      const progress = io.isTTY.stderr && !options.json;
      let epochs = 0;
      let started = Date.now();
      const done = { steps: 0, samples: 0 };
      let lastDraw = 0;
      try {
        const result = await trainRun({
          specPath,
          epochs: options.epochs,
          lr: options.lr,
          batchSize: options.batchSize,
          seed: options.seed,
          data: options.data,
          out: options.out,
          resume: options.resume,
          shouldStop: () => stopRequested,
          onStart: (info) => {
            epochs = info.train.epochs;
            started = Date.now();
            const resumed = info.resumedAt > 0 ? `, resuming after step ${info.resumedAt}` : '';
            io.stderr(
              `training ${specPath}: ${info.trainRows} training rows, ${info.validRows} validation rows, ${epochs} epochs${resumed}\nrun folder: ${info.runDir}\n`,
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
                io.stderr(`\r${progressLine(p, epochs, elapsed, done)}\x1b[K`);
              }
            : undefined,
          onEpoch: (record: EpochRecord) => {
            if (options.json) io.stdout(`${JSON.stringify(record)}\n`);
            else io.stderr(`${progress ? '\r\x1b[K' : ''}${epochLine(record, epochs)}\n`);
          },
        });
        if (progress) io.stderr('\r\x1b[K');
        if (result.interrupted) {
          io.stderr(
            `saved ${result.runDir}/checkpoint.safetensors; continue with --resume ${result.runDir}\n`,
          );
          exit(INTERRUPTED);
          return;
        }
        if (!options.json) {
          const curve = drawLossCurve(
            result.history.map((r) => r.train.loss),
            result.history.flatMap((r) => (r.valid ? [r.valid.loss] : [])),
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
        process.removeListener('SIGINT', onSigint);
      }
    });
};
