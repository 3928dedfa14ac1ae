import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * schema/modelspec.schema.json sits two folders above this module both in src/spec and in
 * dist/spec, and ships in the package, so it is read from disk rather than bundled.
 */
const SCHEMA_URL = new URL('../../schema/modelspec.schema.json', import.meta.url);

let schema: Record<string, unknown> | undefined;
let validator: ValidateFunction | undefined;

/** The JSON Schema of the spec format, as parsed JSON (read once). */
export function specSchema(): Record<string, unknown> {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return schema;
}

/** Ajv in strict mode, every error collected, compiled on first use and then reused. */
function specValidator(): ValidateFunction {
  if (validator === undefined) {
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
