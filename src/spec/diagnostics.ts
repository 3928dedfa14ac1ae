/** A place in a source file; lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** How many characters the caret underline covers on that line (at least 1). */
  length: number;
}

export type Severity = 'error' | 'warning';

/**
 * One finding about a spec. `code` is stable (MS101 ...) and documented in docs/errors.md;
 * `path` is the JSON pointer of the YAML node the finding is about (e.g. /graph/logits).
 */
export interface Diagnostic extends SourceLocation {
  code: string;
  severity: Severity;
  message: string;
  path: string;
}

/** Thrown by library code when a spec cannot be used; carries every finding of the file. */
export class SpecError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    const where = first ? `${first.file}:${first.line}:${first.column}: ` : '';
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
    super(`${where}${first?.message ?? 'invalid spec'}${more}`);
    this.name = 'SpecError';
    this.diagnostics = diagnostics;
  }
}
