import type { Diagnostic } from '../spec/diagnostics.js';
import type { LocatedSpec } from '../spec/located.js';
import { lowerSpec } from './lower.js';

/** Semantic checks of a schema-valid spec (names, cycles, ops, shapes): every finding, one pass. */
export function checkSpec(
  located: LocatedSpec,
  dims?: Readonly<Record<string, number>>,
): Diagnostic[] {
  return lowerSpec(located, { dims }).diagnostics;
}
