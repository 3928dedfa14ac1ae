import type { RegisterCommand } from './io.js';
import { dimOption } from './options.js';

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('summary')
    .description('a table of the nodes and parameters of a spec, with shapes and counts')
    .argument('<spec>', 'the spec file')
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .action(async (specPath: string, options: { dim?: Record<string, number> }) => {
      const { lowerSpecText, readSpec } = await import('../runtime/compile.js');
      const { formatSummary } = await import('../runtime/summary.js');
      const { graph } = lowerSpecText(readSpec(specPath), {
        filename: specPath,
        dims: options.dim,
      });
      io.stdout(`${formatSummary(graph)}\n`);
    });
};
