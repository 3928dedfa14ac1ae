/**
 * Limits that keep hostile or accidental input from hanging or crashing the parser.
 * Each is documented in docs/spec-format.md ("Limits"); a spec over one gets a diagnostic.
 */

/** Largest spec file, in bytes. Real specs are a few kilobytes. */
export const MAX_SPEC_BYTES = 1024 * 1024;

/**
 * Most entries (non-blank lines plus flow-collection items) in one spec. Real specs have a few
 * hundred; generated ones (a 10,000-layer stack, as the compile benchmark makes) need more. The
 * YAML parser needs ~15-40 microseconds per entry, so this keeps a spec at the limit near half
 * a second.
 */
export const MAX_SPEC_ENTRIES = 25_000;

/** Deepest nesting of mappings and lists. Real specs nest about six levels. */
export const MAX_NESTING_DEPTH = 64;

/** Most alias (`*name`) expansions in one file: stops "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100;

/** Most errors reported for one file; past this, one MS006 says how many more there were. */
export const MAX_ERRORS_SHOWN = 100;
