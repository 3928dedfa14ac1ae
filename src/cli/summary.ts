import type { RegisterCommand } from './io.js';

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('summary')
    .description('a table of the nodes and parameters of a spec, with shapes and counts')
    .argument('<spec>', 'the spec file')
    .action(async (specPath: string) => {
      const { lowerSpecText, readSpec } = await import('../runtime/compile.js');
      const { formatSummary } = await import('../runtime/summary.js');
      const { graph } = lowerSpecText(readSpec(specPath), { filename: specPath });
      io.stdout(`${formatSummary(graph)}\n`);
    });
};
