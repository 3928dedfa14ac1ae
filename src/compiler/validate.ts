import type { Diagnostic } from '../spec/diagnostics.js';
import { SpecError } from '../spec/diagnostics.js';
import { parseSpecDocument } from '../spec/parse.js';
import type { Spec } from '../spec/types.js';
import { checkSpec } from './check.js';

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * The whole check of one spec, every finding in one pass: YAML and schema (src/spec), then
 * names, cycles, ops and shapes (the compiler). Warnings are included.
 */
export function validateSpec(
  text: string,
  options: { filename?: string; dims?: Readonly<Record<string, number>> } = {},
): Diagnostic[] {
  const { located, diagnostics } = parseSpecDocument(text, { filename: options.filename });
  if (located === null) return diagnostics;
  return [...diagnostics, ...checkSpec(located, options.dims)].sort(byPosition);
}

/** The spec of a text that passes every check; otherwise a SpecError with all diagnostics. */
export function parseSpec(text: string, options: { filename?: string } = {}): Spec {
  const { located, diagnostics } = parseSpecDocument(text, { filename: options.filename });
  const all = located ? [...diagnostics, ...checkSpec(located)].sort(byPosition) : diagnostics;
  if (located === null || all.some((d) => d.severity === 'error')) throw new SpecError(all);
  return located.spec;
}
