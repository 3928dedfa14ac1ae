import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderOpCases } from './op-cases.js';
import { renderOpsApi } from './ops-api.js';
import { renderOpsDoc } from './ops-doc.js';
import { renderSchema } from './schema.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every generated file: its path from the repository root, and its content now. */
export function generatedFiles(): { path: string; content: string }[] {
  return [
    { path: 'src/ops/generated.ts', content: renderOpsApi() },
    { path: 'test/fixtures/op-cases.json', content: renderOpCases() },
    { path: 'docs/ops.md', content: renderOpsDoc(ROOT) },
    { path: 'schema/modelspec.schema.json', content: renderSchema(ROOT) },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { path, content } of generatedFiles()) {
    const file = join(ROOT, path);
    let before = '';
    try {
      before = readFileSync(file, 'utf8');
    } catch {}
    if (before !== content) {
      writeFileSync(file, content);
      console.log(`wrote ${path}`);
    }
  }
}
