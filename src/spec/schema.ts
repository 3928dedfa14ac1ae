import type { ErrorObject } from 'ajv/dist/2020.js';
import { platform } from '../platform/index.js';

/** The JSON Schema of the spec format, as parsed JSON (read once, by the platform). */
export function specSchema(): Record<string, unknown> {
  return platform().specSchema();
}

/** Every schema violation of `data` (a plain JS value), in ajv's own form; empty when valid. */
export function schemaErrors(data: unknown): ErrorObject[] {
  const validate = platform().specValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
