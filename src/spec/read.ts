import { platform } from '../platform/index.js';
import { Codes } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import { MAX_SPEC_BYTES } from './limits.js';

export type ReadSpecResult =
  | { text: string; diagnostic: null }
  | { text: null; diagnostic: Diagnostic };

function failure(file: string, code: string, message: string): ReadSpecResult {
  return {
    text: null,
    diagnostic: { file, line: 1, column: 1, length: 1, code, severity: 'error', message, path: '' },
  };
}

/**
 * A spec file's text, or the reason it cannot be read: missing, a directory, larger than
 * MAX_SPEC_BYTES (checked before reading), or not UTF-8. A UTF-8 byte order mark is dropped.
 */
export function readSpecFile(path: string): ReadSpecResult {
  const read = platform().readFile(path, MAX_SPEC_BYTES);
  if ('problem' in read) {
    switch (read.problem) {
      case 'folder':
        return failure(
          path,
          Codes.isDirectory,
          `'${path}' is a folder; give the path of a spec file`,
        );
      case 'missing':
        return failure(path, Codes.fileNotFound, `no such file: '${path}'`);
      case 'tooLarge':
        return failure(
          path,
          Codes.fileTooLarge,
          `'${path}' is ${read.size} bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes (1 MiB)`,
        );
      case 'unreadable':
        return failure(path, Codes.unreadable, `cannot read '${path}': ${read.message}`);
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(read.bytes), diagnostic: null };
  } catch {
    return notUtf8(path, read.bytes);
  }
}

/** Points at the first undecodable byte, found as the first replacement character. */
function notUtf8(path: string, bytes: Uint8Array): ReadSpecResult {
  const text = new TextDecoder('utf-8').decode(bytes);
  const bad = text.indexOf('\uFFFD');
  const before = text.slice(0, Math.max(0, bad));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const result = failure(path, Codes.notUtf8, `'${path}' is not UTF-8 text; save it as UTF-8`);
  return { text: null, diagnostic: { ...result.diagnostic!, line, column } };
}
