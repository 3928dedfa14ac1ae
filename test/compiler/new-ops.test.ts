import { describe, expect, it } from 'vitest';
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
