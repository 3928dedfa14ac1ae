import { Option } from 'commander';
import { validateSpec } from '../compiler/validate.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import { formatDiagnostics, formatDiagnosticsJson } from '../spec/format.js';
import { readSpecFile } from '../spec/read.js';
import { type RegisterCommand, useColor } from './io.js';
import { dimOption } from './options.js';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('validate')
    .description('check specs (YAML, schema, names, cycles, shapes); exit 1 on any error')
    .argument('<spec...>', 'spec files to check')
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .addOption(
      new Option('--format <format>', 'how to print the findings')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(
      (files: string[], options: { format: 'text' | 'json'; dim?: Record<string, number> }) => {
        const sources = new Map<string, string>();
        const all: Diagnostic[] = [];
        for (const file of files) {
          const read = readSpecFile(file);
          const found =
            read.text === null
              ? [read.diagnostic]
              : validateSpec(read.text, { filename: file, dims: options.dim });
          if (read.text !== null) sources.set(file, read.text);
          all.push(...found);
          if (options.format === 'text') {
            const errors = found.filter((d) => d.severity === 'error').length;
            const warnings = found.length - errors;
            if (found.length > 0) {
              io.stderr(
                `${formatDiagnostics(found, sources, { color: useColor(io, 'stderr') })}\n`,
              );
            }
            if (errors > 0) {
              const also = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
              io.stderr(`${file}: ${plural(errors, 'error')}${also}\n`);
            } else {
              io.stdout(`${file}: ok${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}\n`);
            }
          }
        }
        if (options.format === 'json') io.stdout(`${formatDiagnosticsJson(all)}\n`);
        exit(all.some((d) => d.severity === 'error') ? 1 : 0);
      },
    );
};
