import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/spec/diagnostics.js';
import {
  MAX_ERRORS_SHOWN,
  MAX_NESTING_DEPTH,
  MAX_SPEC_BYTES,
  MAX_SPEC_ENTRIES,
} from '../../src/spec/limits.js';
import { parseSpecDocument } from '../../src/spec/parse.js';

const IRIS = readFileSync(new URL('../../specs/iris.yaml', import.meta.url), 'utf8');
const TINY = 'modelspec: 1\nname: tiny\ninputs:\n  x: {shape: [batch, 2]}\n';

function parse(text: string): { diagnostics: Diagnostic[]; ok: boolean } {
  const { located, diagnostics } = parseSpecDocument(text, { filename: 'test.yaml' });
  return { diagnostics, ok: located !== null };
}

function only(text: string): Diagnostic {
  const { diagnostics, ok } = parse(text);
  expect(ok).toBe(false);
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0];
}

describe('parseSpecDocument on valid specs', () => {
  it('returns the spec as data with no diagnostics', () => {
    const { located, diagnostics } = parseSpecDocument(IRIS, { filename: 'specs/iris.yaml' });
    expect(diagnostics).toEqual([]);
    expect(located?.file).toBe('specs/iris.yaml');
    expect(located?.spec.name).toBe('iris-mlp');
    expect(located?.spec.inputs.y).toEqual({ shape: ['batch'], dtype: 'int32' });
    expect(located?.spec.train?.optimizer?.sgd?.weight_decay).toBe(1.0e-4);
  });

  it('reads CRLF line endings with the same positions', () => {
    const text = TINY.replaceAll('\n', '\r\n').replace('name: tiny', 'name: Tiny');
    const diagnostic = only(text);
    expect(diagnostic).toMatchObject({ code: 'MS115', line: 2, column: 7, length: 4 });
  });

  it('keeps warnings but still returns the spec', () => {
    const { located, diagnostics } = parseSpecDocument(`${TINY}description: !note hello\n`);
    expect(located).not.toBeNull();
    expect(diagnostics).toMatchObject([{ code: 'MS021', severity: 'warning', line: 5 }]);
  });

  it('names the file <spec> when no filename is given', () => {
    expect(parseSpecDocument('name: [').diagnostics[0].file).toBe('<spec>');
  });
});

describe('YAML errors', () => {
  it('reports a duplicate key at the second key and names the first line', () => {
    const diagnostic = only(`${TINY}name: again\n`);
    expect(diagnostic).toMatchObject({ code: 'MS014', line: 5, column: 1, length: 4 });
    expect(diagnostic.message).toContain("duplicate key 'name' (first on line 2)");
  });

  it('reports duplicate keys in nested mappings', () => {
    const diagnostic = only(`${TINY}  x: {shape: [1]}\n`);
    expect(diagnostic).toMatchObject({ code: 'MS014', line: 5, column: 3 });
  });

  it('explains tabs used for indentation', () => {
    const diagnostic = only('modelspec: 1\ninputs:\n\tx: {shape: [1]}\n');
    expect(diagnostic).toMatchObject({ code: 'MS011', line: 3, column: 1 });
    expect(diagnostic.message).toContain('spaces');
  });

  it('explains bad indentation', () => {
    expect(only('inputs:\n    x: 1\n  y: 2\n')).toMatchObject({ code: 'MS012', line: 3 });
  });

  it('points an unclosed quote at its opening quote', () => {
    const diagnostic = only("modelspec: 1\nname: 'tiny\ninputs: {}\n");
    expect(diagnostic).toMatchObject({ code: 'MS013', line: 2, column: 7 });
  });

  it('reports an empty file and a file of comments', () => {
    expect(only('')).toMatchObject({ code: 'MS018', line: 1, column: 1 });
    expect(only('# just a comment\n')).toMatchObject({ code: 'MS018' });
  });

  it('wants a mapping at the top level', () => {
    expect(only('- a\n- b\n').message).toContain('found a list');
    expect(only('42\n').message).toContain("found the value '42'");
  });

  it('refuses a list used as a key, without printing a warning', () => {
    const diagnostic = only(`${TINY}? [a, b]\n: 1\n`);
    expect(diagnostic).toMatchObject({ code: 'MS022', line: 5, column: 3, length: 6 });
  });

  it('refuses a second document', () => {
    expect(only(`${TINY}---\nname: two\n`)).toMatchObject({ code: 'MS017', line: 5 });
  });
});

describe('hostile input gives a diagnostic, not an exception', () => {
  it('stops a billion-laughs alias bomb', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const diagnostic = only(`${levels.join('\n')}\n`);
    expect(diagnostic).toMatchObject({ code: 'MS015', line: 2 });
  });

  it('refuses a 10 MB spec before parsing it', () => {
    const text = `modelspec: 1\ndescription: ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const diagnostic = only(text);
    expect(diagnostic).toMatchObject({ code: 'MS004', line: 1, column: 1 });
    expect(diagnostic.message).toContain(String(MAX_SPEC_BYTES));
  });

  it.each([
    ['flow lists', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['flow mappings', `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ['compact block lists', `${'- '.repeat(10_000)}x\n`],
    ['indented mappings', Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
  ])('refuses 10,000-deep %s', (_, text) => {
    expect(only(text).code).toBe('MS016');
  });

  it('refuses nesting just over the limit that the estimate lets through', () => {
    const depth = MAX_NESTING_DEPTH + 5;
    const text = `${TINY}description: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    expect(only(text)).toMatchObject({ code: 'MS016', line: 5 });
  });

  it('reports an alias to an anchor that does not exist', () => {
    const diagnostic = only('modelspec: 1\ninputs:\n  x: {shape: *dims}\n');
    expect(diagnostic).toMatchObject({ code: 'MS020', line: 3, column: 14 });
    expect(diagnostic.message).toContain("'*dims'");
  });

  it('refuses dims beyond 2^31-1', () => {
    const { diagnostics } = parse(TINY.replace('[batch, 2]', '[1e12, 1e12]'));
    expect(diagnostics.map((d) => [d.code, d.column])).toEqual([
      ['MS114', 15],
      ['MS114', 21],
    ]);
    expect(diagnostics[0].message).toContain('at most 2147483647');
  });

  it('survives random garbage', () => {
    const garbage = '{[}]"\'\t:-?|>!&*%@`,#\n\\\u0000\uFFFF';
    for (let i = 0; i < 200; i++) {
      let text = '';
      for (let j = 0; j < 40; j++) text += garbage[(i * 31 + j * 17 + i * j) % garbage.length];
      expect(() => parseSpecDocument(text)).not.toThrow();
    }
  });
});

describe('schema errors in plain words', () => {
  it('suggests the field a misspelt key was meant to be, once', () => {
    const { diagnostics } = parse(TINY.replace('{shape:', '{shap:'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'MS111', line: 4, column: 7, length: 4 });
    expect(diagnostics[0].message).toBe(
      "unknown field 'shap' in inputs.x; did you mean 'shape'? (allowed: shape, dtype)",
    );
    expect(diagnostics[0].path).toBe('/inputs/x/shap');
  });

  it('lists the allowed values and suggests one for an init name', () => {
    const text = `${TINY}parameters:\n  W: {shape: [2], init: xavier_unifrom}\n`;
    const [diagnostic] = parse(text).diagnostics;
    expect(diagnostic).toMatchObject({ code: 'MS113', line: 6, column: 25 });
    expect(diagnostic.message).toContain("did you mean 'xavier_uniform'?");
    expect(diagnostic.message).toContain("'zeros', 'ones'");
  });

  it('suggests a data set', () => {
    const [diagnostic] = parse(`${TINY}train: {data: {dataset: mnist2}}\n`).diagnostics;
    expect(diagnostic.message).toContain("found the string 'mnist2'");
    expect(parse(`${TINY}train: {data: {dataset: moon}}\n`).diagnostics[0].message).toContain(
      "did you mean 'moons'?",
    );
  });

  it('says what type was expected and what was found', () => {
    const [diagnostic] = parse(`${TINY}train: {epochs: ten}\n`).diagnostics;
    expect(diagnostic).toMatchObject({ code: 'MS112', path: '/train/epochs' });
    expect(diagnostic.message).toBe("train.epochs must be a whole number, found the string 'ten'");
  });

  it('names a missing required field with an example, at the mapping that lacks it', () => {
    const [diagnostic] = parse(
      'modelspec: 1\nname: a\ninputs:\n  x:\n    dtype: int32\n',
    ).diagnostics;
    expect(diagnostic).toMatchObject({ code: 'MS110', line: 4, column: 3 });
    expect(diagnostic.message).toBe(
      "inputs.x is missing the required field 'shape' (for example shape: [batch, 4])",
    );
  });

  it('explains the format version', () => {
    const [diagnostic] = parse(TINY.replace('modelspec: 1', 'modelspec: 2')).diagnostics;
    expect(diagnostic.code).toBe('MS119');
    expect(diagnostic.message).toContain("write 'modelspec: 1'");
  });

  it('reports every error of the file in one run, in order', () => {
    const text =
      'modelspec: 1\nname: BAD\ninputs:\n  x: {shape: [0]}\ntrain: {epochs: 0, seed: -1}\n';
    const codes = parse(text).diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
    expect(codes).toEqual(['MS115@2:7', 'MS114@4:15', 'MS114@5:17', 'MS114@5:26']);
  });
});

describe('size limits', () => {
  it('refuses a spec with more entries than the limit', () => {
    const items = Array(MAX_SPEC_ENTRIES + 1)
      .fill('1')
      .join(', ');
    const diagnostic = only(`${TINY}description: [${items}]\n`);
    expect(diagnostic.code).toBe('MS004');
    expect(diagnostic.message).toContain(`the limit is ${MAX_SPEC_ENTRIES}`);
  });

  it('lists at most MAX_ERRORS_SHOWN errors, then says there are more', () => {
    const dims = Array(MAX_ERRORS_SHOWN + 20)
      .fill('0')
      .join(', ');
    const { diagnostics } = parse(`modelspec: 1\nname: a\ninputs:\n  x: {shape: [${dims}]}\n`);
    expect(diagnostics).toHaveLength(MAX_ERRORS_SHOWN + 1);
    expect(diagnostics.slice(0, -1).every((d) => d.code === 'MS114')).toBe(true);
    expect(diagnostics.at(-1)).toMatchObject({ code: 'MS006', line: 4 });
  });

  it('caps duplicate keys the same way', () => {
    const keys = Array.from({ length: MAX_ERRORS_SHOWN + 5 }, () => '  x: {shape: [1]}').join('\n');
    const { diagnostics } = parse(`modelspec: 1\nname: a\ninputs:\n${keys}\n`);
    expect(diagnostics.filter((d) => d.code === 'MS014')).toHaveLength(MAX_ERRORS_SHOWN);
    expect(diagnostics.at(-1)?.code).toBe('MS006');
  });
});
