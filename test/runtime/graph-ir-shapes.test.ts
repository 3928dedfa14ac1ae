import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AttrValue } from '../../src/compiler/graph.js';
import { inferNode } from '../../src/compiler/infer.js';
import { findOp } from '../../src/compiler/op-catalog.js';
import { compileFile, compileSpec, type Model, type Tensor, zeros } from '../../src/index.js';
import type { Dim } from '../../src/opdefs/dims.js';
import { ShapeIssue, type ValueInfo } from '../../src/opdefs/shape-issue.js';

// Shape inference checked two ways: a table of the cases test/compiler/infer.test.ts leaves out
// (symbolic dims, broadcasting, batched matmul, the remaining mismatch kinds), and against the
// runtime: every node's IR shape, with its symbols bound, is the shape the ops really produce.

const f = (...shape: Dim[]): ValueInfo => ({ shape, dtype: 'float32' });
const i32 = (...shape: Dim[]): ValueInfo => ({ shape, dtype: 'int32' });

function infer(op: string, args: ValueInfo[], given: Record<string, AttrValue> = {}) {
  const attrs: Record<string, AttrValue> = {};
  for (const def of findOp(op)?.attrs ?? []) attrs[def.name] = def.default ?? null;
  return inferNode(op, args, { ...attrs, ...given });
}

describe('shape inference, more shapes that fit', () => {
  it.each<[string, ValueInfo[], Record<string, AttrValue>, Dim[]]>([
    ['add', [f('n'), f(1)], {}, ['n']],
    ['add', [f(1), f('n')], {}, ['n']],
    ['add', [f('batch', 1), f(1, 'batch')], {}, ['batch', 'batch']],
    ['add', [f('batch', 1, 4), f(3, 1)], {}, ['batch', 3, 4]],
    ['sub', [f(2, 'n'), f('n')], {}, [2, 'n']],
    ['div', [f(), f()], {}, []],
    ['matmul', [f('b', 3, 4), f(1, 4, 5)], {}, ['b', 3, 5]],
    ['matmul', [f('b', 2, 3, 4), f(2, 4, 5)], {}, ['b', 2, 3, 5]],
    ['matmul', [f(3, 'k'), f('k', 2)], {}, [3, 2]],
    ['matmul', [f('b', 4, 3), f('b', 3, 4)], {}, ['b', 4, 4]],
    ['linear', [f('b', 7, 4), f(16, 4), f(16)], {}, ['b', 7, 16]],
    ['concat', [f('batch', 2), f('batch', 3)], { axis: -1 }, ['batch', 5]],
    ['reshape', [f('batch', 4)], { shape: [2, -1] }, [2, '2*batch']],
    ['reshape', [f('n', 'm')], { shape: [-1] }, ['m*n']],
    ['slice', [f(5)], { start: 7 }, [0]],
  ])('%s %j %j', (op, args, attrs, shape) => {
    expect(infer(op, args, attrs).shape).toEqual(shape);
  });
});

describe('shape inference, more mismatch kinds', () => {
  it.each<[string, ValueInfo[], Record<string, AttrValue>, string, string]>([
    [
      'maximum',
      [f(2, 3), f(3, 2)],
      {},
      'MS301',
      'maximum shapes do not broadcast: [2, 3] and [3, 2] (axis -1: 3 vs 2)',
    ],
    [
      'matmul',
      [f('b', 3, 4), f('c', 4, 5)],
      {},
      'MS310',
      'matmul batch dims do not broadcast: [b, 3, 4] @ [c, 4, 5] (b vs c cannot be proven equal)',
    ],
    [
      'matmul',
      [f(4), f(3)],
      {},
      'MS302',
      'matmul shapes do not fit: [4] @ [3] (inner dims 4 and 3 differ)',
    ],
    [
      'matmul',
      [f(2, 3, 4), f(3)],
      {},
      'MS302',
      'matmul shapes do not fit: [2, 3, 4] @ [3] (inner dims 4 and 3 differ)',
    ],
    [
      'matmul',
      [f(5), f(2, 4, 3)],
      {},
      'MS302',
      'matmul shapes do not fit: [5] @ [2, 4, 3] (inner dims 5 and 4 differ)',
    ],
    [
      'linear',
      [f('b', 4), f(16, 4, 1)],
      {},
      'MS303',
      'linear needs a 2-D weight [out, in], got [16, 4, 1]',
    ],
    [
      'concat',
      [f('batch', 2), f('batch', 3)],
      { axis: 2 },
      'MS303',
      'concat: axis=2 is out of range for a 2-D tensor [batch, 2]',
    ],
    [
      'slice',
      [f('batch', 3)],
      { axis: 2 },
      'MS303',
      'slice: axis=2 is out of range for a 2-D tensor [batch, 3]',
    ],
    [
      'transpose',
      [f('b', 2, 3)],
      { axis0: -3, axis1: -4 },
      'MS303',
      'transpose: axis1=-4 is out of range for a 3-D tensor [b, 2, 3]',
    ],
    [
      'mean',
      [f('batch', 3)],
      { axis: -3 },
      'MS303',
      'mean: axis=-3 is out of range for a 2-D tensor [batch, 3]',
    ],
    [
      'log_softmax',
      [f('batch', 3)],
      { axis: 2 },
      'MS303',
      'log_softmax: axis=2 is out of range for a 2-D tensor [batch, 3]',
    ],
    [
      'cross_entropy',
      [f(), i32()],
      {},
      'MS303',
      'cross_entropy needs scores of shape [N, C] or [C], got []',
    ],
    [
      'cross_entropy',
      [f('batch', 3), i32('batch', 1)],
      {},
      'MS308',
      'cross_entropy: scores [batch, 3] need a target of shape [batch], got [batch, 1]',
    ],
    [
      'bce_with_logits',
      [f('batch', 1), f('batch')],
      {},
      'MS308',
      'bce_with_logits needs input and target of one shape, got [batch, 1] and [batch]',
    ],
    [
      'binary_cross_entropy',
      [f(3), f(4)],
      {},
      'MS308',
      'binary_cross_entropy needs input and target of one shape, got [3] and [4]',
    ],
  ])('%s %j %j', (op, args, attrs, code, message) => {
    let caught: unknown;
    try {
      infer(op, args, attrs);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ShapeIssue);
    expect((caught as ShapeIssue).message).toBe(message);
    expect((caught as ShapeIssue).code).toBe(code);
  });
});

/**
 * A dim of the IR with its symbols bound. Derived dims are sums and products of numbers,
 * symbols and parenthesised dims, and `d[start:]` for a slice of a symbolic axis.
 */
function evaluate(dim: Dim, sizes: ReadonlyMap<string, number>): number {
  if (typeof dim === 'number') return dim;
  const tokens = dim.match(/[A-Za-z_][A-Za-z0-9_]*|\d+|[-+*()[\]:]/g)!;
  let at = 0;
  const sum = (): number => {
    let value = product();
    while (tokens[at] === '+') {
      at += 1;
      value += product();
    }
    return value;
  };
  const product = (): number => {
    let value = factor();
    while (tokens[at] === '*') {
      at += 1;
      value *= factor();
    }
    return value;
  };
  const factor = (): number => {
    const token = tokens[at++];
    let value: number;
    if (token === '(') {
      value = sum();
      at += 1;
    } else value = /^\d+$/.test(token) ? Number(token) : sizes.get(token)!;
    if (tokens[at] === '[') {
      const start = Number(tokens[at + 1]);
      expect(tokens[at + 2]).toBe(':');
      expect(tokens[at + 3]).toBe(']');
      at += 4;
      value = Math.max(0, value - start);
    }
    return value;
  };
  const value = sum();
  expect(at, `parsed all of ${dim}`).toBe(tokens.length);
  return value;
}

/** Runs every node and compares its real shape with the IR's, symbols bound to `sizes`. */
function expectShapesAgree(model: Model, sizes: ReadonlyMap<string, number>): void {
  const inputs: Record<string, Tensor> = {};
  for (const input of model.graph.inputs) {
    const shape = input.shape.map((d) => evaluate(d, sizes));
    inputs[input.name] = zeros(shape, { dtype: input.dtype });
  }
  const nodes = model.graph.nodes.filter((n) => n.op !== 'constant');
  const values = model.run(
    inputs,
    nodes.map((n) => n.name),
  );
  for (const node of nodes) {
    expect(values[node.name].shape, node.name).toEqual(node.shape.map((d) => evaluate(d, sizes)));
    expect(values[node.name].dtype, node.name).toBe(node.dtype);
  }
}

describe('inferred shapes are what the runtime produces', () => {
  const folder = fileURLToPath(new URL('../specs/parity/', import.meta.url));
  const examples = fileURLToPath(new URL('../../specs/', import.meta.url));
  const files = [
    ...readdirSync(folder).map((f) => folder + f),
    ...readdirSync(examples).map((f) => examples + f),
  ].filter((f) => f.endsWith('.yaml'));

  for (const path of files) {
    it(path.slice(path.lastIndexOf('/specs/') + 1), () => {
      expectShapesAgree(compileFile(path), new Map([['batch', 5]]));
    });
  }

  it('for symbolic sums and products (reshape, flatten, concat of symbolic dims)', () => {
    const model = compileSpec(`modelspec: 1
name: symbolic
inputs:
  x: {shape: [batch, seq, 4]}
  t: {shape: [n, 4]}
graph:
  flat: flatten(x)
  rows: reshape(x, shape=[-1, 4])
  stacked: concat([rows, t], axis=0)
  pairs: reshape(stacked, shape=[-1, 2, 2])
  paired: x @ transpose(x)
  broadcast: reshape(t, shape=[-1, 1, 4]) + reshape(rows, shape=[1, -1, 4])
  rest: slice(stacked, start=1)
outputs: [flat, pairs, paired, broadcast, rest]
`);
    const shapeOf = (name: string) => model.graph.nodes.find((n) => n.name === name)!.shape;
    expect(shapeOf('rows')).toEqual(['batch*seq', 4]);
    expect(shapeOf('stacked')).toEqual(['batch*seq+n', 4]);
    // 4*(batch*seq+n) elements divided by 4 is the concat's size again, not an opaque product.
    expect(shapeOf('pairs')).toEqual(['batch*seq+n', 2, 2]);
    expect(shapeOf('rest')).toEqual(['(batch*seq+n)[1:]', 4]);
    expect(shapeOf('paired')).toEqual(['batch', 'seq', 'seq']);
    expectShapesAgree(
      model,
      new Map([
        ['batch', 3],
        ['seq', 2],
        ['n', 5],
      ]),
    );
  });
});
