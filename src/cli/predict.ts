import { extname } from 'node:path';
import { DataError } from '../data/errors.js';
import { readTextFile } from '../data/read-file.js';
import type { Prediction } from '../train/predict.js';
import type { RegisterCommand } from './io.js';
import { dimOption } from './options.js';

/** Rows of a JSON input: an array of number arrays, or of objects keyed by feature name. */
function readJsonRows(path: string): unknown[] {
  const text = readTextFile(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not valid JSON: ${(error as Error).message}`, { file: path });
  }
  if (!Array.isArray(parsed)) {
    throw new DataError(
      'expected a JSON array of rows ([[5.1, 3.5, 1.4, 0.2], ...] or [{"sepal_length": 5.1, ...}, ...])',
      { file: path },
    );
  }
  return parsed;
}

/**
 * The numbers of JSON rows: arrays in feature order (nested arrays, such as an image's
 * [1][28][28], are read in row-major order), or objects keyed by feature name.
 */
function toNumbers(
  rows: unknown[],
  names: readonly string[],
  width: number,
  path: string,
): number[][] {
  return rows.map((row, r) => {
    const values = Array.isArray(row)
      ? row.flat(Number.POSITIVE_INFINITY)
      : typeof row === 'object' && row !== null
        ? names.map((name) => (row as Record<string, unknown>)[name])
        : [row];
    if (
      values.length !== width ||
      !values.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      const what = names.length > 0 ? ` (${names.join(', ')})` : '';
      const shown = JSON.stringify(row);
      throw new DataError(
        `row ${r + 1} must give ${width} numbers${what}, got ${shown.length > 80 ? `${values.length} values` : shown}`,
        { file: path },
      );
    }
    return values as number[];
  });
}

function csvCell(value: Prediction['prediction']): string {
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('predict')
    .description('predictions of a trained model for the rows of a JSON or CSV file')
    .argument('<spec>', 'the spec file')
    .requiredOption('--checkpoint <path>', 'a checkpoint.safetensors written by train')
    .requiredOption(
      '--input <file>',
      'rows to predict: FILE.json, FILE.csv (the training feature columns), or an IDX images file',
    )
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .action(
      async (
        specPath: string,
        options: { checkpoint: string; input: string; dim?: Record<string, number> },
      ) => {
        const isJson = extname(options.input).toLowerCase() === '.json';
        const rows = isJson ? readJsonRows(options.input) : undefined;
        const { predictRun } = await import('../train/eval-run.js');
        const predictions = predictRun({
          specPath,
          checkpoint: options.checkpoint,
          input: options.input,
          rowsOf: rows ? (names, width) => toNumbers(rows, names, width, options.input) : undefined,
          dims: options.dim,
        });
        if (isJson) {
          io.stdout(`${JSON.stringify(predictions)}\n`);
          return;
        }
        io.stdout(
          `row,prediction\n${predictions.map((p, i) => `${i + 1},${csvCell(p.prediction)}`).join('\n')}\n`,
        );
      },
    );
};
