import { readFileSync } from 'node:fs';
import { DataError } from './errors.js';

/** Reads a UTF-8 text file, turning the file system's failures into DataErrors that name it. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : `cannot be read (${(cause as Error).message})`;
    throw new DataError(reason, { file: path });
  }
}
