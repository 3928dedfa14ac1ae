import { lowerSpecText, readSpec } from '../runtime/compile.js';
import { formatSummary } from '../runtime/summary.js';
import type { RegisterCommand } from './io.js';

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('summary')
    .description('a table of the nodes and parameters of a spec, with shapes and counts')
    .argument('<spec>', 'the spec file')
    .action((specPath: string) => {
      const { graph } = lowerSpecText(readSpec(specPath), { filename: specPath });
      io.stdout(`${formatSummary(graph)}\n`);
    });
};
