import { describe, expect, it } from 'vitest';
import { compileSpec, tensor } from '../../src/index.js';
import { opDef } from '../../src/opdefs/index.js';
import type { OpDef } from '../../src/opdefs/types.js';
import { graphOf, onlyError } from './lower-helper.js';

// The spec side of the shape family: symbolic dims flow through, and what the compiler
// cannot decide for every batch size is a located error.

const shapeOf = (body: string, name: string) =>
  graphOf(body).nodes.find((n) => n.name === name)?.shape;

describe('permute, unsqueeze, squeeze and expand in a spec', () => {
  const inputs = 'inputs:\n  x: {shape: [batch, 3, 4]}\n';
  it('carry symbolic dims', () => {
    expect(shapeOf(`${inputs}graph:\n  y: permute(x, axes=[0, 2, 1])\n`, 'y')).toEqual([
      'batch',
      4,
      3,
    ]);
    expect(shapeOf(`${inputs}graph:\n  y: permute(x, [2, 0, 1])\n`, 'y')).toEqual([4, 'batch', 3]);
    expect(shapeOf(`${inputs}graph:\n  y: unsqueeze(x, 1)\n`, 'y')).toEqual(['batch', 1, 3, 4]);
    expect(shapeOf(`${inputs}graph:\n  y: squeeze(unsqueeze(x, 1), axis=1)\n`, 'y')).toEqual([
      'batch',
      3,
      4,
    ]);
    expect(
      shapeOf(`${inputs}graph:\n  y: expand(unsqueeze(x, 1), shape=[-1, 5, -1, -1])\n`, 'y'),
    ).toEqual(['batch', 5, 3, 4]);
  });
  it('refuse a squeeze whose result would depend on the batch size', () => {
    const error = onlyError(`${inputs}graph:\n  y: squeeze(x)\n`);
    expect(error.code).toBe('MS310');
    expect(error.message).toBe(
      'squeeze: axis 0 of [batch, 3, 4] has the symbolic length batch, which may or may not be 1 at run time; reshape to the shape you mean instead',
    );
  });
  it('locate a bad permutation and an impossible expand', () => {
    const bad = onlyError(`${inputs}graph:\n  y: permute(x, axes=[0, 1])\n`);
    expect([bad.code, bad.line, bad.column]).toEqual(['MS303', 6, 14]);
    const expand = onlyError(`${inputs}graph:\n  y: expand(x, shape=[-1, 3, 5])\n`);
    expect(expand.code).toBe('MS301');
    expect(expand.message).toContain('axis 2 has length 4');
  });
});

describe('arange, zeros, ones and full: graph constants in expressions', () => {
  const spec = `modelspec: 1
name: constants
inputs:
  x: {shape: [batch, 4]}
  idx: {shape: [batch, 4], dtype: int32}
graph:
  pos: idx + arange(4)
  h: x * ones([4]) + zeros([4]) * 0 + full([1, 4], 0.5, dtype=float32)
  steps: arange(1, start=0, step=0.25)
  mask: full([2, 2], -1e9)
outputs: [pos, h, steps, mask]
`;
  it('compile with shapes and dtypes from their attributes', () => {
    const g = graphOf(spec.split('\n').slice(2).join('\n'));
    const node = (name: string) => g.nodes.find((n) => n.name === name);
    expect([node('pos/arange_1')?.shape, node('pos/arange_1')?.dtype]).toEqual([[4], 'int32']);
    expect(node('pos/arange_1')?.inputs).toEqual([]);
    expect([node('h/zeros_1')?.shape, node('h/zeros_1')?.dtype]).toEqual([[4], 'float32']);
    expect([node('steps')?.shape, node('steps')?.dtype]).toEqual([[4], 'float32']);
    expect(node('mask')?.dtype).toBe('float32');
  });
  it('compute the same values in the plan (several steps, several batch sizes) and the interpreter', () => {
    for (const plan of [true, false]) {
      const model = compileSpec(spec, { plan });
      for (const batch of [2, 3, 2]) {
        const out = model.forward({
          x: tensor(Array.from({ length: batch }, () => [1, 2, 3, 4])),
          idx: tensor(
            Int32Array.from({ length: batch * 4 }, () => 10),
            { shape: [batch, 4] },
          ),
        });
        expect(out.pos.dtype).toBe('int32');
        expect(Array.from(out.pos.storage.slice(-4))).toEqual([10, 11, 12, 13]);
        expect(Array.from(out.h.storage.slice(0, 4))).toEqual([1.5, 2.5, 3.5, 4.5]);
        expect(out.steps.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
        expect(out.mask.toArray()).toEqual([
          [-1e9, -1e9],
          [-1e9, -1e9],
        ]);
      }
    }
  });
  it("refuse torch's positional arange(2, 8), a zero step and a negative size, located", () => {
    const body = (expr: string) => `inputs:\n  x: {shape: [4]}\ngraph:\n  y: x + ${expr}\n`;
    const positional = onlyError(body('arange(2, 8)'));
    expect([positional.code, positional.column]).toEqual(['MS206', 20]);
    expect(positional.message).toBe(
      'arange takes at most 0 tensor operands and 1 positional attribute (end) (the rest by keyword); this argument is one too many',
    );
    expect(onlyError(body('arange(4, step=0)')).message).toBe('arange: step must not be 0');
    expect(onlyError(body('arange(4, start=5)')).message).toBe(
      'arange: step=1 goes away from end=4 (start=5); no value lies between',
    );
    expect(onlyError(body('zeros([-1])')).message).toBe(
      'zeros: shape [-1] may hold sizes >= 0 only',
    );
    expect(onlyError(body('arange(4.5, dtype=int32)')).code).toBe('MS209');
  });
  it('have a symbolic shape rule ready for a dim bound at run time (arange(t))', () => {
    const def = opDef('arange') as OpDef;
    const attrs = { end: 't', start: 0, step: 1, dtype: null };
    expect(def.infer([], attrs, 'compile')).toEqual({ shape: ['t'], dtype: 'int32' });
    expect(() => def.infer([], { ...attrs, start: 1 }, 'compile')).toThrow(
      'arange: a symbolic end (t) needs start=0 and step=1',
    );
    const zeros = opDef('zeros') as OpDef;
    expect(zeros.infer([], { shape: ['batch', 4] as never, dtype: null }, 'compile')).toEqual({
      shape: ['batch', 4],
      dtype: 'float32',
    });
  });
});
