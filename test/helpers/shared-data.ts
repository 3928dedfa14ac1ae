import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The team's shared data sets (Fashion-MNIST, names.txt, tinyshakespeare.txt): `../shared/data`
 * beside the repository (a clone in CI, /work/main), else /work/shared/data (a worktree under
 * /work/wt/). Missing data fails the test that needs it with this message, never skips it.
 */
export function sharedData(...parts: string[]): string {
  for (const root of [resolve(repoRoot, '../shared/data'), '/work/shared/data']) {
    if (existsSync(root)) return join(root, ...parts);
  }
  throw new Error(
    `the shared data sets are not at ${resolve(repoRoot, '../shared/data')} or /work/shared/data`,
  );
}
