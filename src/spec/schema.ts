import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * schema/modelspec.schema.json sits two folders above this module both in src/spec and in
 * dist/spec, and ships in the package, so it is read from disk rather than bundled.
 */
const SCHEMA_URL = new URL('../../schema/modelspec.schema.json', import.meta.url);

// ajv itself is loaded only when the schema must be compiled here (CommonJS, hence require).
const require = createRequire(import.meta.url);

/** Made by scripts/build-schema-validator.mjs at build time; the same path from src and dist. */
const PRECOMPILED_URL = new URL('../../dist/spec/schema-validator.cjs', import.meta.url);

let schemaText: string | undefined;
let schema: Record<string, unknown> | undefined;
let validator: ValidateFunction | undefined;

/** The JSON Schema of the spec format, as parsed JSON (read once). */
export function specSchema(): Record<string, unknown> {
  schema ??= JSON.parse(readSchemaText()) as Record<string, unknown>;
  return schema;
}

function readSchemaText(): string {
  schemaText ??= readFileSync(SCHEMA_URL, 'utf8');
  return schemaText;
}

/** The build's standalone validator, if there is one made from the schema as it is now. */
function precompiledValidator(): ValidateFunction | undefined {
  if (!existsSync(PRECOMPILED_URL)) return undefined;
  const loaded = require(fileURLToPath(PRECOMPILED_URL)) as ValidateFunction & {
    schemaHash?: string;
  };
  const hash = createHash('sha256').update(readSchemaText()).digest('hex');
  return loaded.schemaHash === hash ? loaded : undefined;
}

/**
 * Ajv in strict mode, every error collected: the build's precompiled validator when it matches
 * the schema (starting the CLI then costs no compilation), else compiled on first use.
 */
function specValidator(): ValidateFunction {
  validator ??= precompiledValidator();
  if (validator === undefined) {
    const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
    const ajv = new Ajv2020({
      strict: true,
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
    });
    validator = ajv.compile(specSchema());
  }
  return validator;
}

/** Every schema violation of `data` (a plain JS value), in ajv's own form; empty when valid. */
export function schemaErrors(data: unknown): ErrorObject[] {
  const validate = specValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
