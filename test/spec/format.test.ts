import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/spec/diagnostics.js';
import { formatDiagnostics, formatDiagnosticsJson } from '../../src/spec/format.js';

const ESC = String.fromCharCode(27);

const SOURCE = [
  'graph:',
  '  hidden: relu(x @ W1 + b1)',
  '\tweird: 1',
  ...Array.from({ length: 8 }, () => '# filler'),
  '  logits: hidden @ W3 + b2',
].join('\n');

const UNKNOWN: Diagnostic = {
  file: 'specs/iris.yaml',
  line: 12,
  column: 20,
  length: 2,
  code: 'MS202',
  severity: 'error',
  message: "unknown name 'W3' in expression (known: x, y, W1, b1, W2, b2, hidden)",
  path: '/graph/logits',
};

describe('formatDiagnostics', () => {
  it('prints file:line:col, severity, code, the line and a caret under the span', () => {
    const text = formatDiagnostics([UNKNOWN], new Map([['specs/iris.yaml', SOURCE]]));
    expect(text).toBe(
      [
        "specs/iris.yaml:12:20: error[MS202]: unknown name 'W3' in expression (known: x, y, W1, b1, W2, b2, hidden)",
        '   12 |   logits: hidden @ W3 + b2',
        '      |                    ^^',
      ].join('\n'),
    );
  });

  it('prints only the head line when the source is not known', () => {
    const text = formatDiagnostics([{ ...UNKNOWN, file: 'elsewhere.yaml' }], new Map());
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(/^elsewhere\.yaml:12:20: error\[MS202\]: unknown name/);
  });

  it('keeps tabs before the caret so it lines up, and marks warnings', () => {
    const warning: Diagnostic = { ...UNKNOWN, line: 3, column: 2, length: 5, severity: 'warning' };
    const lines = formatDiagnostics([warning], new Map([['specs/iris.yaml', SOURCE]])).split('\n');
    expect(lines[0]).toContain('warning[MS202]');
    expect(lines[2]).toBe('      | \t^^^^^');
  });

  it('cuts the underline at the end of the line', () => {
    const long: Diagnostic = { ...UNKNOWN, line: 2, column: 11, length: 500 };
    const lines = formatDiagnostics([long], new Map([['specs/iris.yaml', SOURCE]])).split('\n');
    expect(lines[2].endsWith(`${' '.repeat(10)}${'^'.repeat(17)}`)).toBe(true);
  });

  it('uses ANSI colours only when asked', () => {
    const sources = new Map([['specs/iris.yaml', SOURCE]]);
    expect(formatDiagnostics([UNKNOWN], sources)).not.toContain('\x1b[');
    const colored = formatDiagnostics([UNKNOWN], sources, { color: true });
    expect(colored).toContain('\x1b[31m');
    expect(colored.replaceAll(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(
      formatDiagnostics([UNKNOWN], sources),
    );
  });
});

describe('formatDiagnosticsJson', () => {
  it('is an array of diagnostic objects', () => {
    const parsed = JSON.parse(formatDiagnosticsJson([UNKNOWN, { ...UNKNOWN, line: 2 }]));
    expect(parsed).toEqual([UNKNOWN, { ...UNKNOWN, line: 2 }]);
    expect(JSON.parse(formatDiagnosticsJson([]))).toEqual([]);
  });
});

describe('long lines', () => {
  it('shows a window around the caret, marked with dots', () => {
    const line = `  x: {shape: [${Array(200).fill('7').join(', ')}, 0]}`;
    const column = line.indexOf('0]') + 1;
    const diagnostic: Diagnostic = { ...UNKNOWN, file: 'long.yaml', line: 1, column, length: 1 };
    const [, shown, caret] = formatDiagnostics([diagnostic], new Map([['long.yaml', line]])).split(
      '\n',
    );
    expect(shown.length).toBeLessThan(140);
    expect(shown).toMatch(/^ {4}1 \| \.\.\.7, 7/);
    expect(caret.indexOf('^')).toBe(shown.indexOf('0]'));
  });
});
