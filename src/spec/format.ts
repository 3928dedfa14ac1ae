import type { Diagnostic } from './diagnostics.js';

export interface FormatOptions {
  /** ANSI colours (the CLI asks for them only on a terminal without NO_COLOR). */
  color?: boolean;
}

const STYLES = {
  bold: ['\x1b[1m', '\x1b[22m'],
  red: ['\x1b[31m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  blue: ['\x1b[34m', '\x1b[39m'],
} as const;

type Style = keyof typeof STYLES;

function painter(color: boolean): (text: string, ...styles: Style[]) => string {
  return (text, ...styles) =>
    color
      ? styles.reduce((out, style) => `${STYLES[style][0]}${out}${STYLES[style][1]}`, text)
      : text;
}

const GUTTER_WIDTH = 5;

/** Longest source text shown on one line; longer lines show a window around the caret. */
const WINDOW = 120;

/** The part of a long line that is shown, and how many characters were cut off on the left. */
function window(text: string, column: number): { shown: string; cut: number } {
  if (text.length <= WINDOW) return { shown: text, cut: 0 };
  const start = Math.max(0, Math.min(column - 1 - WINDOW / 3, text.length - WINDOW));
  const end = start + WINDOW;
  const left = start > 0 ? '...' : '';
  const right = end < text.length ? '...' : '';
  return { shown: `${left}${text.slice(start, end)}${right}`, cut: start - left.length };
}

/**
 * One diagnostic as the user reads it:
 *
 * ```
 * specs/iris.yaml:12:21: error[MS202]: unknown name 'W3' in expression (known: ...)
 *    12 |   logits: hidden @ W3 + b2
 *       |                    ^^
 * ```
 *
 * The source line is shown when `source` (the file's text, or its lines) has it; a line longer
 * than 120 characters is cut to a window around the caret. Tabs before the caret are kept so the
 * caret lines up under the same character in a terminal.
 */
export function formatDiagnostic(
  diagnostic: Diagnostic,
  source: string | readonly string[] | undefined,
  options: FormatOptions = {},
): string {
  const paint = painter(options.color ?? false);
  const { file, line, column, length, severity, code, message } = diagnostic;
  const tone: Style = severity === 'error' ? 'red' : 'yellow';
  const head = `${paint(`${file}:${line}:${column}:`, 'bold')} ${paint(`${severity}[${code}]:`, tone, 'bold')} ${message}`;
  const lines = typeof source === 'string' ? source.split('\n') : source;
  const text = lines?.[line - 1]?.replace(/\r$/, '');
  if (text === undefined) return head;
  const gutter = String(line).padStart(GUTTER_WIDTH);
  const blank = ' '.repeat(Math.max(GUTTER_WIDTH, gutter.length));
  const { shown, cut } = window(text, column);
  const lead = shown.slice(0, column - 1 - cut).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(length, shown.length - (column - 1 - cut)));
  const caret = paint('^'.repeat(width), tone, 'bold');
  return [
    head,
    `${paint(`${gutter} |`, 'blue')} ${shown}`,
    `${paint(`${blank} |`, 'blue')} ${lead}${caret}`,
  ].join('\n');
}

/** Every diagnostic, each with its source line when `sources` holds the file's text. */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  options: FormatOptions = {},
): string {
  const lines = new Map<string, string[]>();
  for (const [file, text] of sources) lines.set(file, text.split('\n'));
  return diagnostics.map((d) => formatDiagnostic(d, lines.get(d.file), options)).join('\n');
}

/** The same diagnostics as data: a JSON array of diagnostic objects, one field each per key. */
export function formatDiagnosticsJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map(({ file, line, column, length, severity, code, message, path }) => ({
      file,
      line,
      column,
      length,
      severity,
      code,
      message,
      path,
    })),
    null,
    2,
  );
}
