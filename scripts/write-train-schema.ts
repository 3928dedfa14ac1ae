// Writes the parts of schema/modelspec.schema.json that come from the optimizer registry
// (src/optim/registry.ts: train.optimizer, one definition per optimizer, param groups), then
// formats the file. Run after changing an optimizer's options: `npx tsx scripts/write-train-schema.ts`.
// test/optim/registry.test.ts fails while the schema file is stale.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainSchemaDefs } from '../src/optim/registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const path = join(root, 'schema/modelspec.schema.json');
const schema = JSON.parse(readFileSync(path, 'utf8'));
Object.assign(schema.$defs, trainSchemaDefs());
writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', path], {
  stdio: 'inherit',
});
