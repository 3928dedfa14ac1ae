import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

/**
 * The most bytes modelspec reads from one data file, and the most a compressed file may unpack
 * to: 1 GiB. Fashion-MNIST's largest file unpacks to 47 MB, tiny shakespeare is 1.1 MB; a
 * larger file is a mistake or an attack (a gzip bomb), refused while it is read, not after.
 */
export const MAX_DATA_BYTES = 2 ** 30;

export interface ReadLimit {
  /** Refuse the file (or what it unpacks to) beyond this many bytes; default MAX_DATA_BYTES. */
  maxBytes?: number;
}

const CHUNK = 1 << 20;

function sizeText(bytes: number): string {
  if (bytes >= 2 ** 30) return `${Number((bytes / 2 ** 30).toPrecision(3))} GiB`;
  if (bytes >= 2 ** 20) return `${Number((bytes / 2 ** 20).toPrecision(3))} MiB`;
  if (bytes >= 2 ** 10) return `${Number((bytes / 2 ** 10).toPrecision(3))} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(path: string, limit: number, what = 'is larger than'): DataError {
  return new DataError(`${what} the limit of ${sizeText(limit)} for a data file`, { file: path });
}

function openError(path: string, cause: unknown): DataError {
  const code = (cause as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be read (${(cause as Error).message})`;
  return new DataError(reason, { file: path });
}

/**
 * The bytes of a file, read in chunks and refused as soon as they pass the limit (the size the
 * file system reports is checked first, but a file that grows while it is read is caught too).
 */
export function readFileBytes(path: string, options: ReadLimit = {}): Uint8Array {
  const limit = options.maxBytes ?? MAX_DATA_BYTES;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw openError(path, cause);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new DataError('is a directory, not a file', { file: path });
    if (stat.size > limit) throw tooLarge(path, limit);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (cause) {
        throw openError(path, cause);
      }
      if (read === 0) break;
      total += read;
      if (total > limit) throw tooLarge(path, limit);
      chunks.push(chunk.subarray(0, read));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** True when the bytes start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * A data file's bytes, unpacked when it is gzip-compressed (recognised by its magic number, so a
 * `.gz` name is not needed; a `.gz` name on data that is not gzip is an error). The unpacked size
 * is limited as the file's, and checked while unpacking.
 */
export function readDataBytes(path: string, options: ReadLimit = {}): Uint8Array {
  const limit = options.maxBytes ?? MAX_DATA_BYTES;
  const bytes = readFileBytes(path, { maxBytes: limit });
  if (!isGzip(bytes)) {
    if (path.toLowerCase().endsWith('.gz')) {
      throw new DataError('ends in .gz but is not gzip-compressed (no gzip magic number)', {
        file: path,
      });
    }
    return bytes;
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(path, limit, 'unpacks to more than');
    throw new DataError(
      code === 'Z_BUF_ERROR'
        ? 'is a truncated gzip file (the compressed data ends early)'
        : `is not a valid gzip file (${(cause as Error).message})`,
      { file: path },
    );
  }
}

/**
 * A UTF-8 text file (gzip-compressed or not), within the size limit; a leading byte-order mark
 * is dropped. Bytes that are not UTF-8 are an error, not a replacement character in the data.
 */
export function readTextFile(path: string, options: ReadLimit = {}): string {
  const bytes = readDataBytes(path, options);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError('is not UTF-8 text', { file: path });
  }
}
