import { parseCsv } from './csv-parse.js';
import { DataError } from './errors.js';

/** A CSV file split into a header and data rows, each row with its 1-based line in the file. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  lines: number[];
}

/**
 * Parses CSV text with a header row. Header names are trimmed and must be unique and non-empty;
 * every data row must have as many fields as the header.
 */
export function csvTable(text: string, file: string): CsvTable {
  const records = parseCsv(text, file);
  if (records.length === 0) throw new DataError('the file is empty (no header row)', { file });
  const header = records[0].fields.map((name) => name.trim());
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === '') {
      throw new DataError(`header column ${i + 1} has no name`, { file, row: records[0].line });
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new DataError(
        `the header names column '${name}' twice (columns ${earlier + 1} and ${i + 1})`,
        { file, row: records[0].line, column: name },
      );
    }
    seen.set(name, i);
  });
  const data = records.slice(1);
  if (data.length === 0) throw new DataError('the file has a header but no data rows', { file });
  for (const record of data) {
    if (record.fields.length !== header.length) {
      throw new DataError(
        `row ${record.line} has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, the header has ${header.length}`,
        { file, row: record.line },
      );
    }
  }
  return {
    file,
    header,
    rows: data.map((r) => r.fields),
    lines: data.map((r) => r.line),
  };
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number in a cell (surrounding spaces allowed), or a DataError naming row and column. */
export function parseCell(table: CsvTable, rowIndex: number, columnIndex: number): number {
  const raw = table.rows[rowIndex][columnIndex];
  const text = raw.trim();
  const column = table.header[columnIndex];
  const row = table.lines[rowIndex];
  if (text === '') {
    throw new DataError(`row ${row}, column '${column}': the cell is empty`, {
      file: table.file,
      row,
      column,
    });
  }
  if (!DECIMAL.test(text)) {
    throw new DataError(`row ${row}, column '${column}': '${raw}' is not a number`, {
      file: table.file,
      row,
      column,
    });
  }
  const value = Number(text);
  if (!Number.isFinite(Math.fround(value))) {
    throw new DataError(`row ${row}, column '${column}': ${text} does not fit in float32`, {
      file: table.file,
      row,
      column,
    });
  }
  return value;
}

/** True when every cell of the column is a number (empty cells are not). */
export function isNumericColumn(table: CsvTable, columnIndex: number): boolean {
  return table.rows.every((fields) => DECIMAL.test(fields[columnIndex].trim()));
}

/** Index of a column by name, or a DataError that lists the columns there are. */
export function columnIndex(table: CsvTable, name: string, role: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) {
    throw new DataError(
      `${role} column '${name}' is not in the header (columns: ${table.header.join(', ')})`,
      { file: table.file, column: name },
    );
  }
  return index;
}
