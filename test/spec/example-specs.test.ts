import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpecDocument } from '../../src/spec/parse.js';

const folder = new URL('../../specs/', import.meta.url);
const specs = readdirSync(folder).filter((name) => name.endsWith('.yaml'));

describe('specs/', () => {
  it('holds the example from the format design, pointing editors at the schema', () => {
    const iris = readFileSync(new URL('iris.yaml', folder), 'utf8');
    expect(iris.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schema/modelspec.schema.json',
    );
  });

  it.each(specs)('%s parses with no diagnostics', (name) => {
    const text = readFileSync(new URL(name, folder), 'utf8');
    const { located, diagnostics } = parseSpecDocument(text, { filename: `specs/${name}` });
    expect(diagnostics).toEqual([]);
    expect(located).not.toBeNull();
  });
});
