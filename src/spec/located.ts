import type { SourceLocation } from './diagnostics.js';
import type { Spec } from './types.js';

/** A path into the spec document, e.g. ['graph', 'logits'] or ['layers', 'stack', 2]. */
export type SpecPath = readonly (string | number)[];

/**
 * A schema-valid spec together with the means to point back into its YAML text.
 * Produced by spec/ (parseSpecDocument), consumed by compiler/ for its diagnostics.
 */
export interface LocatedSpec {
  spec: Spec;
  file: string;
  /**
   * Where the node at `path` is: a scalar or flow value itself; for a block mapping or list,
   * or an empty value, its key. Falls back to the nearest existing parent.
   */
  locate(path: SpecPath): SourceLocation;
  /**
   * Where the key of the path's last segment is (the `W1` of `W1: {...}`), for findings about a
   * name rather than its value; list items and missing keys are placed as by `locate`.
   */
  locateKey(path: SpecPath): SourceLocation;
  /**
   * Where character `offset` (0-based, `length` long) of the string value at `path` is in the
   * file, for plain, quoted and block scalars: how expression errors get exact columns.
   */
  locateInScalar(path: SpecPath, offset: number, length: number): SourceLocation;
}
