import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src/compiler/validate.js';

const folder = new URL('../specs/invalid/', import.meta.url);
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

/** `# expect: MS111 7:5` lines at the top of a file (format: test/specs/invalid/README.md). */
function expectedErrors(text: string): string[] {
  const expected: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^# expect: (MS\d{3}) (\d+):(\d+)\s*$/.exec(line);
    if (!match) break;
    expected.push(`${match[1]} ${match[2]}:${match[3]}`);
  }
  return expected.sort();
}

describe('broken specs in test/specs/invalid', () => {
  it('has files to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(files)('%s reports exactly the errors in its header', (name) => {
    const text = readFileSync(new URL(name, folder), 'utf8');
    const expected = expectedErrors(text);
    expect(expected.length, 'a header with at least one "# expect:" line').toBeGreaterThan(0);
    const actual = validateSpec(text, { filename: name })
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.line}:${d.column}`)
      .sort();
    expect(actual).toEqual(expected);
  });
});
