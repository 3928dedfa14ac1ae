import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh folder for one test file, removed after its tests. */
export function tempDir(prefix: string): {
  path: string;
  join: (...parts: string[]) => string;
  write: (name: string, text: string) => string;
} {
  const path = mkdtempSync(join(tmpdir(), `modelspec-${prefix}-`));
  afterAll(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    write: (name, text) => {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
  };
}
