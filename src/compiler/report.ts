import type { Diagnostic, Severity, SourceLocation } from '../spec/diagnostics.js';
import type { LocatedSpec, SpecPath } from '../spec/located.js';
import { pointer } from '../spec/schema-diagnostics.js';
import type { Span } from './expr/ast.js';

/**
 * Where a finding is: a YAML node (`path`), optionally narrowed to a span of the expression
 * string stored at that node.
 */
export interface Site {
  path: SpecPath;
  span?: Span;
}

/** Collects the diagnostics of one compiler run, in the order they are found. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly located: LocatedSpec) {}

  error(code: string, site: Site, message: string): void {
    this.add('error', code, site, message);
  }

  warning(code: string, site: Site, message: string): void {
    this.add('warning', code, site, message);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  locate(site: Site): SourceLocation {
    return site.span
      ? this.located.locateInScalar(site.path, site.span.start, Math.max(site.span.length, 1))
      : this.located.locate(site.path);
  }

  /**
   * Adds a finding unless the same one is already there: a block's mistake is met once per
   * instance and call, but is one mistake at one place.
   */
  private add(severity: Severity, code: string, site: Site, message: string): void {
    const where = this.locate(site);
    const key = `${code}\u0000${where.line}:${where.column}:${where.length}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({ ...where, code, severity, message, path: pointer(site.path) });
  }

  private readonly seen = new Set<string>();
}
