import { type CsvTable, isNumericColumn, parseCell } from './csv-table.js';
import type { Task } from './dataset.js';
import { DataError } from './errors.js';

export interface EncodedTarget {
  target: Float32Array | Int32Array;
  classes: string[] | null;
  task: Task;
}

export interface TargetOptions {
  /** Force a task instead of inferring it from the column's values. */
  task?: Task;
  /** Class names to map onto (e.g. those saved with a checkpoint), instead of those in the file. */
  classes?: string[];
}

/**
 * Turns the target column into class indices or regression values. The rule, in order:
 * a numeric column whose every value is a non-negative integer holds class indices (classes
 * named '0'..'max', or `options.classes`); a column with any non-numeric cell is a string
 * target whose classes are its distinct values in sorted (code-unit) order, or `options.classes`
 * when given (then any column is matched by name); any other numeric column is a regression
 * target. `options.task` overrides the inference, and a value that cannot serve the forced task
 * is an error naming its row.
 */
export function encodeTarget(
  table: CsvTable,
  column: number,
  options: TargetOptions,
): EncodedTarget {
  if (options.task === 'regression') {
    return { target: numbers(table, column), classes: null, task: 'regression' };
  }
  const numeric = isNumericColumn(table, column);
  if (numeric && allClassIndices(table, column)) {
    return integerClasses(table, column, options.classes);
  }
  if (!numeric || options.classes !== undefined) {
    return stringClasses(table, column, options.classes);
  }
  if (options.task === 'classification') return integerClasses(table, column, undefined);
  return { target: numbers(table, column), classes: null, task: 'regression' };
}

function numbers(table: CsvTable, column: number): Float32Array {
  const out = new Float32Array(table.rows.length);
  for (let r = 0; r < out.length; r++) out[r] = parseCell(table, r, column);
  return out;
}

function allClassIndices(table: CsvTable, column: number): boolean {
  for (let r = 0; r < table.rows.length; r++) {
    const v = Number(table.rows[r][column].trim());
    if (!Number.isInteger(v) || v < 0) return false;
  }
  return true;
}

function integerClasses(table: CsvTable, column: number, given?: string[]): EncodedTarget {
  const target = new Int32Array(table.rows.length);
  let max = -1;
  for (let r = 0; r < target.length; r++) {
    const v = parseCell(table, r, column);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw cellError(table, r, column, `${v} is not a class index (a non-negative integer)`);
    }
    if (given !== undefined && v >= given.length) {
      throw cellError(
        table,
        r,
        column,
        `class index ${v} is out of range for ${given.length} classes (${given.join(', ')})`,
      );
    }
    target[r] = v;
    if (v > max) max = v;
  }
  const classes = given ?? Array.from({ length: max + 1 }, (_, i) => String(i));
  return { target, classes, task: 'classification' };
}

function stringClasses(table: CsvTable, column: number, given?: string[]): EncodedTarget {
  const values = table.rows.map((fields) => fields[column].trim());
  values.forEach((v, r) => {
    if (v === '') throw cellError(table, r, column, 'the cell is empty');
  });
  const classes = given ?? [...new Set(values)].sort();
  const index = new Map(classes.map((name, i) => [name, i]));
  const target = new Int32Array(values.length);
  values.forEach((v, r) => {
    const k = index.get(v);
    if (k === undefined) {
      throw cellError(table, r, column, `'${v}' is not one of the classes (${classes.join(', ')})`);
    }
    target[r] = k;
  });
  return { target, classes, task: 'classification' };
}

function cellError(table: CsvTable, r: number, column: number, what: string): DataError {
  const row = table.lines[r];
  const name = table.header[column];
  return new DataError(`row ${row}, column '${name}': ${what}`, {
    file: table.file,
    row,
    column: name,
  });
}
