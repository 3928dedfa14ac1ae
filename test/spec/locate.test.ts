import { describe, expect, it } from 'vitest';
import type { LocatedSpec } from '../../src/spec/located.js';
import { parseSpecDocument } from '../../src/spec/parse.js';

const SPEC = [
  'modelspec: 1', // 1
  'name: locate', // 2
  'inputs:', // 3
  '  x: {shape: [batch, 4]}', // 4
  'parameters:', // 5
  '  W:', // 6
  '    shape: [4, 3]', // 7
  'graph:', // 8
  '  plain: relu(x @ W)', // 9
  "  single: 'it''s(x @ W)'", // 10
  '  double: "tanh(\\tx @ W)"', // 11
  '  literal: |', // 12
  '    sigmoid(', // 13
  '      x @ W)', // 14
  '  folded: >-', // 15
  '    softplus(x', // 16
  '    @ W)', // 17
  '  multi: relu(x', // 18
  '    @ W)', // 19
  'loss: mean(plain)', // 20
  '',
].join('\n');

function located(): LocatedSpec {
  const { located, diagnostics } = parseSpecDocument(SPEC, { filename: 'locate.yaml' });
  expect(diagnostics).toEqual([]);
  return located!;
}

/** The source text a location covers. */
function covered(where: { line: number; column: number; length: number }): string {
  const line = SPEC.split('\n')[where.line - 1];
  return line.slice(where.column - 1, where.column - 1 + where.length);
}

describe('locate', () => {
  it('points at scalar and flow values themselves', () => {
    const spec = located();
    expect(spec.locate(['name'])).toEqual({ file: 'locate.yaml', line: 2, column: 7, length: 6 });
    expect(covered(spec.locate(['inputs', 'x']))).toBe('{shape: [batch, 4]}');
    expect(covered(spec.locate(['inputs', 'x', 'shape', 1]))).toBe('4');
  });

  it('points at the key of a block mapping', () => {
    const spec = located();
    expect(spec.locate(['parameters', 'W'])).toMatchObject({ line: 6, column: 3, length: 1 });
  });

  it('falls back to the nearest existing parent', () => {
    const spec = located();
    expect(spec.locate(['inputs', 'x', 'dtype'])).toEqual(spec.locate(['inputs', 'x']));
    expect(spec.locate(['nothing', 'here'])).toMatchObject({ line: 1, column: 1 });
  });

  it('locateKey points at the name, not the value', () => {
    const spec = located();
    expect(spec.locateKey(['inputs', 'x'])).toMatchObject({ line: 4, column: 3, length: 1 });
    expect(spec.locateKey(['graph', 'plain'])).toMatchObject({ line: 9, column: 3, length: 5 });
  });
});

describe('locateInScalar', () => {
  it('maps offsets in a plain scalar', () => {
    const spec = located();
    const where = spec.locateInScalar(['graph', 'plain'], 5, 6);
    expect(where).toMatchObject({ line: 9, column: 15, length: 6 });
    expect(covered(where)).toBe('x @ W)');
  });

  it('maps offsets in a single-quoted scalar with a doubled quote', () => {
    const spec = located();
    const where = spec.locateInScalar(['graph', 'single'], 5, 1);
    expect(covered(where)).toBe('x');
    expect(where).toMatchObject({ line: 10, column: 18 });
  });

  it('maps offsets in a double-quoted scalar after an escape', () => {
    const spec = located();
    const where = spec.locateInScalar(['graph', 'double'], 6, 1);
    expect(covered(where)).toBe('x');
    expect(covered(spec.locateInScalar(['graph', 'double'], 5, 1))).toBe('\\');
  });

  it('maps offsets in a literal block scalar', () => {
    const spec = located();
    const where = spec.locateInScalar(['graph', 'literal'], 'sigmoid(\n  '.length, 5);
    expect(where).toMatchObject({ line: 14, column: 7, length: 5 });
    expect(covered(where)).toBe('x @ W');
  });

  it('maps offsets in a folded block scalar', () => {
    const spec = located();
    const where = spec.locateInScalar(['graph', 'folded'], 'softplus(x '.length, 1);
    expect(where).toMatchObject({ line: 17, column: 5 });
    expect(covered(where)).toBe('@');
  });

  it('maps offsets in a plain scalar folded over two lines', () => {
    const spec = located();
    const where = spec.locateInScalar(['graph', 'multi'], 'relu(x '.length, 3);
    expect(where).toMatchObject({ line: 19, column: 5 });
    expect(covered(where)).toBe('@ W');
  });

  it('cuts a span at the end of its line and places the end of the value', () => {
    const spec = located();
    expect(spec.locateInScalar(['graph', 'multi'], 5, 50)).toMatchObject({ line: 18, length: 1 });
    const end = spec.locateInScalar(['loss'], 'mean(plain)'.length, 1);
    expect(end).toMatchObject({ line: 20, column: 18, length: 1 });
  });

  it('falls back to locate for a path that is not a scalar', () => {
    const spec = located();
    expect(spec.locateInScalar(['inputs', 'x'], 3, 2)).toEqual(spec.locate(['inputs', 'x']));
  });
});
