/** Where in a data file something went wrong; every field that is known is filled in. */
export interface DataErrorLocation {
  /** The file as the caller named it (or a built-in's name). */
  file?: string;
  /** 1-based line number in the file where the offending row starts. */
  row?: number;
  /** The column's header name. */
  column?: string;
}

/** A data set that cannot be loaded or used: a missing file, a bad cell, an unknown column. */
export class DataError extends Error {
  readonly file: string | undefined;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(message: string, location: DataErrorLocation = {}) {
    super(location.file === undefined ? message : `${location.file}: ${message}`);
    this.name = 'DataError';
    this.file = location.file;
    this.row = location.row;
    this.column = location.column;
  }
}
