import { type CsvTable, columnIndex, csvTable, parseCell } from './csv-table.js';
import type { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { readTextFile } from './read-file.js';
import { encodeTarget, type TargetOptions } from './target.js';

export interface CsvOptions extends TargetOptions {
  /** The column to predict. */
  target: string;
  /** Feature columns in this order; by default every column but the target, in file order. */
  features?: string[];
}

/** Reads a CSV file (header row, numeric features) into a Dataset. Errors are DataErrors. */
export function loadCsv(path: string, options: CsvOptions): Dataset {
  return csvDataset(readTextFile(path), path, options);
}

/** The same as loadCsv, from text already in memory; `file` names it in error messages. */
export function csvDataset(text: string, file: string, options: CsvOptions): Dataset {
  const table = csvTable(text, file);
  const targetColumn = columnIndex(table, options.target, 'target');
  const featureColumns =
    options.features === undefined
      ? table.header.map((_, i) => i).filter((i) => i !== targetColumn)
      : namedColumns(table, options.features, targetColumn);
  if (featureColumns.length === 0) {
    throw new DataError(`there are no feature columns besides the target '${options.target}'`, {
      file,
    });
  }
  const { target, classes, task } = encodeTarget(table, targetColumn, options);
  return {
    features: featureMatrix(table, featureColumns),
    featureNames: featureColumns.map((i) => table.header[i]),
    target,
    targetName: options.target,
    classes,
    task,
  };
}

/** Features only (for `predict` on a file without a target): every column, or those named. */
export function loadCsvFeatures(
  path: string,
  options: { features?: string[] } = {},
): { features: Float32Array; featureNames: string[]; rows: number } {
  const table = csvTable(readTextFile(path), path);
  const columns =
    options.features === undefined
      ? table.header.map((_, i) => i)
      : namedColumns(table, options.features, -1);
  return {
    features: featureMatrix(table, columns),
    featureNames: columns.map((i) => table.header[i]),
    rows: table.rows.length,
  };
}

function namedColumns(table: CsvTable, names: string[], targetColumn: number): number[] {
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) {
      throw new DataError(`feature column '${name}' is listed twice`, {
        file: table.file,
        column: name,
      });
    }
    seen.add(name);
    const index = columnIndex(table, name, 'feature');
    if (index === targetColumn) {
      throw new DataError(`column '${name}' is the target; it cannot also be a feature`, {
        file: table.file,
        column: name,
      });
    }
    return index;
  });
}

function featureMatrix(table: CsvTable, columns: number[]): Float32Array {
  const d = columns.length;
  const out = new Float32Array(table.rows.length * d);
  for (let r = 0; r < table.rows.length; r++) {
    for (let j = 0; j < d; j++) out[r * d + j] = parseCell(table, r, columns[j]);
  }
  return out;
}
