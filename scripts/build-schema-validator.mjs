// Compiles schema/modelspec.schema.json into a standalone ajv validator,
// dist/spec/schema-validator.cjs, so the CLI does not pay ajv's compile time (~0.15 s) at every
// start. Runs as part of `npm run build`. The file records the hash of the schema it was made
// from; src/spec/schema.ts compiles at run time instead when the schema has changed since.
// The file is bundled with the few ajv runtime helpers it requires and minified, so the CLI
// loads one small file instead of four.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaText = readFileSync(join(root, 'schema/modelspec.schema.json'), 'utf8');
const outFile = join(root, 'dist/spec/schema-validator.cjs');

// The same options as src/spec/schema.ts, plus source code generation.
const ajv = new Ajv2020({
  strict: true,
  allErrors: true,
  verbose: true,
  allowUnionTypes: true,
  code: { source: true },
});
const validate = ajv.compile(JSON.parse(schemaText));
const hash = createHash('sha256').update(schemaText).digest('hex');
const code = `${standaloneCode.default(ajv, validate)}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`;

mkdirSync(dirname(outFile), { recursive: true });
const tmpFile = `${outFile}.${process.pid}.tmp`;
await build({
  stdin: { contents: code, resolveDir: root, sourcefile: 'schema-validator.cjs' },
  outfile: tmpFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
renameSync(tmpFile, outFile);
