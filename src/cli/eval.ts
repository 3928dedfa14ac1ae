import type { RegisterCommand } from './io.js';
import { dimOption } from './options.js';

const SPLIT_NAMES = {
  test: ', test split',
  valid: ', validation split',
  train: '',
  file: '',
} as const;

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('eval')
    .description(
      "a trained model's loss and metrics on its test split (else its validation split) or on --data",
    )
    .argument('<spec>', 'the spec file')
    .requiredOption('--checkpoint <path>', 'a checkpoint.safetensors written by train')
    .option(
      '--data <path>',
      'evaluate on every example of this CSV, text or lines file, or the t10k files of an IDX folder',
    )
    .option('--json', 'print the result as one JSON object')
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .action(
      async (
        specPath: string,
        options: {
          checkpoint: string;
          data?: string;
          json?: boolean;
          dim?: Record<string, number>;
        },
      ) => {
        const { evalRun } = await import('../train/eval-run.js');
        const result = evalRun({
          specPath,
          checkpoint: options.checkpoint,
          data: options.data,
          dims: options.dim,
        });
        if (options.json) {
          const { split, rows, source, metrics } = result;
          io.stdout(`${JSON.stringify({ split, rows, ...metrics, source })}\n`);
          return;
        }
        const metrics = Object.entries(result.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join('  ');
        const split = SPLIT_NAMES[result.split];
        io.stdout(`${metrics}  (${result.rows} rows of ${result.source}${split})\n`);
      },
    );
};
