import type { RegisterCommand } from './io.js';

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('eval')
    .description("a trained model's loss and metrics on its validation split or a CSV file")
    .argument('<spec>', 'the spec file')
    .requiredOption('--checkpoint <path>', 'a checkpoint.safetensors written by train')
    .option('--data <path>', 'a CSV file to evaluate on (every row)')
    .option('--json', 'print the result as one JSON object')
    .action(
      async (specPath: string, options: { checkpoint: string; data?: string; json?: boolean }) => {
        const { evalRun } = await import('../train/eval-run.js');
        const result = evalRun({ specPath, checkpoint: options.checkpoint, data: options.data });
        if (options.json) {
          io.stdout(`${JSON.stringify(result)}\n`);
          return;
        }
        const metrics = Object.entries(result.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join('  ');
        io.stdout(`${metrics}  (${result.rows} rows of ${result.source})\n`);
      },
    );
};
