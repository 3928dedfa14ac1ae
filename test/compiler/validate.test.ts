import { describe, expect, it } from 'vitest';
import { parseSpec, validateSpec } from '../../src/compiler/validate.js';
import { SpecError } from '../../src/spec/diagnostics.js';

const GOOD = `modelspec: 1
name: ok
inputs:
  x: {shape: [batch, 4]}
parameters:
  W: {shape: [4, 2], init: kaiming_uniform}
graph:
  y: x @ W
`;

describe('validateSpec and parseSpec', () => {
  it('return nothing / the spec for a good file', () => {
    expect(validateSpec(GOOD, { filename: 'ok.yaml' })).toEqual([]);
    expect(parseSpec(GOOD).name).toBe('ok');
  });

  it('report schema and compiler findings together, in file order', () => {
    const text = `${GOOD.replace('name: ok', 'name: Bad Name')}  z: y @ V\n`;
    const found = validateSpec(text, { filename: 'bad.yaml' }).map(
      (d) => `${d.code} ${d.line}:${d.column}`,
    );
    expect(found).toEqual(['MS115 2:7']);
  });

  it('run the compiler checks once the schema passes, and parseSpec throws them all', () => {
    const text = `${GOOD}  z: y @ V\n  w: softmax(x, dim=0)\n`;
    expect(validateSpec(text).map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([
      'MS202 9:10',
      'MS207 10:17',
    ]);
    expect(() => parseSpec(text)).toThrow(SpecError);
    try {
      parseSpec(text);
    } catch (error) {
      expect((error as SpecError).diagnostics.map((d) => d.code)).toEqual(['MS202', 'MS207']);
    }
  });
});
