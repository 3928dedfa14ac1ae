import { type Document, isAlias, isCollection, isPair, type Node, parseDocument } from 'yaml';
import { badKeys } from './bad-keys.js';
import { Codes } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import {
  MAX_ALIAS_COUNT,
  MAX_ERRORS_SHOWN,
  MAX_NESTING_DEPTH,
  MAX_SPEC_BYTES,
  MAX_SPEC_ENTRIES,
} from './limits.js';
import { DocumentLocator } from './locate.js';
import type { LocatedSpec } from './located.js';
import { prescan } from './prescan.js';
import { schemaErrors } from './schema.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { SourceText } from './source-text.js';
import type { Spec } from './types.js';
import { topLevelKind, yamlDiagnostic } from './yaml-diagnostics.js';

export interface ParsedSpecDocument {
  /** The spec and its source positions; null when any error was found (warnings allowed). */
  located: LocatedSpec | null;
  /** Every finding of the file, sorted by position. */
  diagnostics: Diagnostic[];
}

export interface ParseSpecOptions {
  /** Name diagnostics use for the file (default `<spec>`). */
  filename?: string;
}

/**
 * The estimate of `prescan` counts some things twice (block scalars, brackets in plain
 * text), so it gets twice the real limit; the exact depth is checked on the parsed tree.
 */
const NESTING_ESTIMATE_LIMIT = 2 * MAX_NESTING_DEPTH;

function diagnosticAt(
  source: SourceText,
  offset: number,
  code: string,
  message: string,
): Diagnostic {
  return { ...source.span(offset, offset + 1), code, severity: 'error', message, path: '' };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * Sorted by position, and no more than MAX_ERRORS_SHOWN errors: past that, the last one shown
 * is followed by one MS006 that says the rest were left out.
 */
function capped(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = diagnostics.sort(byPosition);
  const errors = sorted.filter((d) => d.severity === 'error');
  if (errors.length <= MAX_ERRORS_SHOWN) return sorted;
  const last = errors[MAX_ERRORS_SHOWN - 1];
  const kept = sorted.filter((d) => byPosition(d, last) <= 0).slice(0, MAX_ERRORS_SHOWN);
  kept.push({
    ...last,
    code: Codes.tooManyErrors,
    message: `stopped after ${MAX_ERRORS_SHOWN} errors; fix these first, there are more`,
  });
  return kept;
}

/** The first node nested deeper than the limit (aliases are not followed), or null. */
function tooDeepNode(doc: Document): Node | null {
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth > MAX_NESTING_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      } else {
        stack.push([item, depth + 1]);
      }
    }
  }
  return null;
}

function firstAlias(doc: Document, name?: string): Node | null {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node) && (name === undefined || node.source === name)) return node;
    if (isCollection(node)) {
      for (const item of [...node.items].reverse()) {
        if (isPair(item)) stack.push(item.value, item.key);
        else stack.push(item);
      }
    }
  }
  return null;
}

/** doc.toJS, with alias bombs and dangling aliases turned into diagnostics. */
function toPlainData(
  doc: Document,
  source: SourceText,
): { data?: unknown; diagnostic?: Diagnostic } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const unresolved = /Unresolved alias.*: (.+)$/.exec(error.message);
    const alias = firstAlias(doc, unresolved?.[1]);
    const offset = alias?.range?.[0] ?? 0;
    if (unresolved) {
      return {
        diagnostic: diagnosticAt(
          source,
          offset,
          Codes.unknownAlias,
          `alias '*${unresolved[1]}' refers to no anchor '&${unresolved[1]}' defined before it`,
        ),
      };
    }
    return {
      diagnostic: diagnosticAt(
        source,
        offset,
        Codes.tooManyAliases,
        `aliases expand to too much data (more than ${MAX_ALIAS_COUNT} expansions); write the values out instead`,
      ),
    };
  }
}

function parseChecked(text: string, file: string): ParsedSpecDocument {
  const source = new SourceText(file, text);
  const fail = (diagnostics: Diagnostic[]): ParsedSpecDocument => ({
    located: null,
    diagnostics: capped(diagnostics),
  });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SPEC_BYTES) {
    return fail([
      diagnosticAt(
        source,
        0,
        Codes.fileTooLarge,
        `spec is ${bytes} bytes; the limit is ${MAX_SPEC_BYTES} bytes (1 MiB)`,
      ),
    ]);
  }
  const scan = prescan(text, NESTING_ESTIMATE_LIMIT);
  if (scan.tooDeepAt !== null) {
    return fail([
      diagnosticAt(
        source,
        scan.tooDeepAt,
        Codes.tooDeep,
        `the YAML nests more than ${MAX_NESTING_DEPTH} levels deep`,
      ),
    ]);
  }
  if (scan.entries > MAX_SPEC_ENTRIES) {
    return fail([
      diagnosticAt(
        source,
        0,
        Codes.fileTooLarge,
        `spec has about ${scan.entries} entries (lines and list items); the limit is ${MAX_SPEC_ENTRIES}`,
      ),
    ]);
  }
  const doc = parseDocument(text, {
    uniqueKeys: false,
    // 'error' keeps the yaml package from printing warnings itself ('silent' would also drop
    // the error for a second document).
    logLevel: 'error',
    prettyErrors: false,
  });
  const diagnostics = [...doc.errors, ...doc.warnings].map((p) => yamlDiagnostic(p, source));
  diagnostics.push(...badKeys(doc, source));
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  if (doc.contents === null) {
    return fail([
      ...diagnostics,
      diagnosticAt(
        source,
        0,
        Codes.empty,
        "the spec is empty; it starts with 'modelspec: 1' and 'name: ...'",
      ),
    ]);
  }
  const start = doc.contents.range?.[0] ?? 0;
  if (topLevelKind(doc) !== 'a mapping') {
    return fail([
      ...diagnostics,
      diagnosticAt(
        source,
        start,
        Codes.notAMapping,
        `the spec must be a mapping of 'key: value' lines at the top level, found ${topLevelKind(doc)}`,
      ),
    ]);
  }
  const deep = tooDeepNode(doc);
  if (deep) {
    return fail([
      ...diagnostics,
      diagnosticAt(
        source,
        deep.range?.[0] ?? 0,
        Codes.tooDeep,
        `the YAML nests more than ${MAX_NESTING_DEPTH} levels deep`,
      ),
    ]);
  }
  const { data, diagnostic } = toPlainData(doc, source);
  if (diagnostic) return fail([...diagnostics, diagnostic]);
  const locator = new DocumentLocator(doc, source);
  // One more than can be shown, so that `capped` knows to say there were more.
  diagnostics.push(...schemaDiagnostics(schemaErrors(data), data, locator, MAX_ERRORS_SHOWN + 1));
  const ok = diagnostics.every((d) => d.severity !== 'error');
  return { located: ok ? locator.located(data as Spec) : null, diagnostics: capped(diagnostics) };
}

/**
 * Reads a spec from YAML text: YAML errors, then the JSON Schema, each finding placed on its
 * line and column. Never throws for bad input, however hostile (a stack overflow inside the
 * YAML parser is reported as nesting that is too deep).
 */
export function parseSpecDocument(
  text: string,
  options: ParseSpecOptions = {},
): ParsedSpecDocument {
  const file = options.filename ?? '<spec>';
  try {
    return parseChecked(text, file);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const source = new SourceText(file, text);
    return {
      located: null,
      diagnostics: [
        diagnosticAt(
          source,
          0,
          Codes.tooDeep,
          `the YAML nests too deeply to be read (${error.message})`,
        ),
      ],
    };
  }
}
