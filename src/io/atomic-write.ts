import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file that could not be written; `path` is the file the caller asked for, `code` the errno name. */
export class FileWriteError extends Error {
  readonly path: string;
  readonly code: string | undefined;

  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : code === 'EISDIR'
              ? 'it is a directory'
              : (cause as Error).message;
    super(`cannot write ${path}: ${reason}`, { cause });
    this.name = 'FileWriteError';
    this.path = path;
    this.code = code;
  }
}

/**
 * Replaces `path` with `bytes` so that a reader (or a crash, or Ctrl-C) sees either the old file
 * or the complete new one, never a partial one: the bytes go to a temporary file in the same
 * directory, are flushed to disk, and the file is renamed over the target; then the directory
 * is flushed so the rename itself survives a power cut. On failure the temporary file is removed,
 * the old file is left as it was, and a FileWriteError is thrown.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o644);
    let written = 0;
    while (written < data.length) {
      written += writeSync(fd, data, written, data.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== null) closeQuietly(fd);
    rmSync(temp, { force: true });
    throw new FileWriteError(path, error);
  }
  fsyncDirectory(dir);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already failing; the first error is the one worth reporting.
  }
}

/** Best effort: some platforms (Windows) and file systems cannot open or fsync a directory. */
function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // The rename has happened; losing only the directory flush is not worth failing the write.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
