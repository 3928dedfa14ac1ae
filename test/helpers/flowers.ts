import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fixtures folder: a small three-class CSV (string class names) and its spec. */
export const FIXTURES = new URL('../data/fixtures/', import.meta.url).pathname;

export const FLOWERS_SPEC = join(FIXTURES, 'flowers.yaml');

/**
 * A copy of the flowers spec (and its CSV) in `dir`, with text replacements applied to the
 * spec, for variations (another data file, a wider output, another seed).
 */
export function flowersSpec(dir: string, name: string, edits: [string, string][] = []): string {
  let text = readFileSync(FLOWERS_SPEC, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`flowersSpec: '${from}' is not in flowers.yaml`);
    text = text.replace(from, to);
  }
  copyFileSync(join(FIXTURES, 'flowers.csv'), join(dir, 'flowers.csv'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
