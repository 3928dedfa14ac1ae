import { describe, expect, it } from 'vitest';
import type { AttrValue } from '../../src/compiler/graph.js';
import { inferNode, inferShapes } from '../../src/compiler/infer.js';
import { findOp } from '../../src/compiler/op-catalog.js';
import type { Dim } from '../../src/opdefs/dims.js';
import { ShapeIssue, type ValueInfo } from '../../src/opdefs/shape-issue.js';

const f = (...shape: Dim[]): ValueInfo => ({ shape, dtype: 'float32' });
const i32 = (...shape: Dim[]): ValueInfo => ({ shape, dtype: 'int32' });

function withDefaults(op: string, given: Record<string, AttrValue>): Record<string, AttrValue> {
  const attrs: Record<string, AttrValue> = {};
  for (const def of findOp(op)?.attrs ?? []) attrs[def.name] = def.default ?? null;
  return { ...attrs, ...given };
}

function infer(op: string, args: ValueInfo[], attrs: Record<string, AttrValue> = {}): ValueInfo {
  return inferNode(op, args, withDefaults(op, attrs));
}

function issue(op: string, args: ValueInfo[], attrs: Record<string, AttrValue> = {}): ShapeIssue {
  try {
    const value = infer(op, args, attrs);
    throw new Error(`inferred ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof ShapeIssue) return error;
    throw error;
  }
}

describe('shapes that fit', () => {
  it.each<[string, ValueInfo[], Record<string, AttrValue>, Dim[]]>([
    ['add', [f('batch', 4), f(4)], {}, ['batch', 4]],
    ['add', [f(3, 1), f(1, 4)], {}, [3, 4]],
    ['mul', [f('batch', 1), f(1, 'n')], {}, ['batch', 'n']],
    ['sub', [f('batch', 4), f('batch', 4)], {}, ['batch', 4]],
    ['maximum', [f(), f(2, 3)], {}, [2, 3]],
    ['pow', [f('batch', 3), f()], {}, ['batch', 3]],
    ['matmul', [f('batch', 4), f(4, 16)], {}, ['batch', 16]],
    ['matmul', [f(2, 'batch', 3, 4), f(4, 5)], {}, [2, 'batch', 3, 5]],
    ['matmul', [f('b', 3, 4), f('b', 4, 5)], {}, ['b', 3, 5]],
    ['matmul', [f('b', 1, 3, 4), f(5, 4, 2)], {}, ['b', 5, 3, 2]],
    ['matmul', [f(4), f(4)], {}, []],
    ['matmul', [f(4), f(4, 3)], {}, [3]],
    ['matmul', [f(3, 4), f(4)], {}, [3]],
    ['matmul', [f(2, 3, 4), f(4)], {}, [2, 3]],
    ['matmul', [f(4), f(2, 4, 3)], {}, [2, 3]],
    ['linear', [f('batch', 4), f(16, 4), f(16)], {}, ['batch', 16]],
    ['linear', [f(4), f(16, 4)], {}, [16]],
    ['transpose', [f(2, 3, 4)], {}, [2, 4, 3]],
    ['transpose', [f(2, 3, 4)], { axis0: 0, axis1: 2 }, [4, 3, 2]],
    ['reshape', [f('batch', 8, 8)], { shape: [-1, 64] }, ['batch', 64]],
    ['reshape', [f('batch', 4)], { shape: [-1] }, ['4*batch']],
    ['reshape', [f(6, 4)], { shape: [3, 8] }, [3, 8]],
    ['reshape', [f('batch', 4)], { shape: [-1, 2, 2] }, ['batch', 2, 2]],
    ['flatten', [f('batch', 4, 4)], {}, ['batch', 16]],
    ['flatten', [f('batch', 'n', 4)], {}, ['batch', '4*n']],
    ['flatten', [f('batch', 4, 4)], { start_axis: 0 }, ['16*batch']],
    ['flatten', [f(2, 3, 4, 5)], { start_axis: 1, end_axis: 2 }, [2, 12, 5]],
    ['flatten', [f()], {}, [1]],
    ['concat', [f('batch', 2), f('batch', 3)], { axis: 1 }, ['batch', 5]],
    ['concat', [f(2, 3), f('n', 3)], {}, ['2+n', 3]],
    ['slice', [f('batch', 10)], { axis: 1, start: 2, end: 5 }, ['batch', 3]],
    ['slice', [f(10)], { start: 1, step: 3 }, [3]],
    ['slice', [f(10)], { start: -3 }, [3]],
    ['slice', [f(10)], { start: 4, end: 100 }, [6]],
    ['slice', [f('batch', 3)], {}, ['batch', 3]],
    ['slice', [f('batch', 3)], { start: 1 }, ['batch[1:]', 3]],
    ['slice', [f('batch', 3)], { end: 8 }, [8, 3]],
    ['sum', [f('batch', 3)], {}, []],
    ['sum', [f('batch', 3)], { keepdim: true }, [1, 1]],
    ['sum', [f('batch', 3)], { axis: 1 }, ['batch']],
    ['mean', [f('batch', 3)], { axis: -1, keepdim: true }, ['batch', 1]],
    ['max', [f('batch', 3)], { axis: 0 }, [3]],
    ['softmax', [f('batch', 3)], {}, ['batch', 3]],
    ['softmax', [f()], {}, []],
    ['sum', [f()], { axis: -1, keepdim: true }, []],
    ['log_softmax', [f('batch', 3)], { axis: 0 }, ['batch', 3]],
    ['dropout', [f('batch', 3)], { p: 0.1 }, ['batch', 3]],
    ['clamp', [f('batch', 3)], { max: 1 }, ['batch', 3]],
    ['cross_entropy', [f('batch', 3), i32('batch')], {}, []],
    ['cross_entropy', [f(3), i32()], {}, []],
    ['nll_loss', [f('n', 3, 7), i32('n', 7)], {}, []],
    ['mse_loss', [f('batch', 1), f('batch', 1)], {}, []],
    ['bce_with_logits', [f('batch'), f('batch')], {}, []],
  ])('%s %j %j -> %j', (op, args, attrs, shape) => {
    expect(infer(op, args, attrs).shape).toEqual(shape);
  });
});

describe('dtypes', () => {
  it('keeps int32 through ops that make sense on integers', () => {
    expect(infer('add', [i32(3), i32(3)]).dtype).toBe('int32');
    expect(infer('relu', [i32(3)]).dtype).toBe('int32');
    expect(infer('sum', [i32('batch')]).dtype).toBe('int32');
    expect(infer('reshape', [i32(2, 3)], { shape: [6] }).dtype).toBe('int32');
  });

  it.each<[string, ValueInfo[], number | undefined]>([
    ['exp', [i32(3)], 0],
    ['mean', [i32(3)], 0],
    ['matmul', [f(2, 3), i32(3, 2)], 1],
    ['div', [i32(3), i32(3)], 0],
    ['add', [f(3), i32(3)], 1],
    ['concat', [f(3), i32(3)], 1],
    ['cross_entropy', [f('batch', 3), f('batch')], 1],
    ['mse_loss', [f(3), i32(3)], 1],
  ])('%s refuses %j (MS306 at operand %s)', (op, args, operand) => {
    const e = issue(op, args);
    expect(e.code).toBe('MS306');
    expect(e.operand).toBe(operand);
  });

  it('explains what a float target for cross_entropy needs', () => {
    expect(issue('cross_entropy', [f('batch', 3), f('batch')]).message).toBe(
      'cross_entropy needs int32 class indices as target, got float32 [batch] (declare the target input with dtype: int32)',
    );
  });
});

describe('every mismatch kind', () => {
  it.each<[string, ValueInfo[], Record<string, AttrValue>, string, string]>([
    [
      'add',
      [f(3), f(4)],
      {},
      'MS301',
      'add shapes do not broadcast: [3] and [4] (axis -1: 3 vs 4)',
    ],
    [
      'add',
      [f('batch', 4), f('n', 4)],
      {},
      'MS310',
      'add shapes do not broadcast: [batch, 4] and [n, 4] (axis -2: batch vs n, which cannot be proven equal)',
    ],
    [
      'add',
      [f('batch'), f(3)],
      {},
      'MS310',
      'add shapes do not broadcast: [batch] and [3] (axis -1: batch vs 3, which cannot be proven equal)',
    ],
    [
      'matmul',
      [f('batch', 16), f(4, 3)],
      {},
      'MS302',
      'matmul shapes do not fit: [batch, 16] @ [4, 3] (inner dims 16 and 4 differ)',
    ],
    [
      'matmul',
      [f('batch', 'n'), f('m', 3)],
      {},
      'MS310',
      'matmul shapes do not fit: [batch, n] @ [m, 3] (inner dims n and m cannot be proven equal)',
    ],
    [
      'matmul',
      [f(2, 3, 4), f(5, 4, 2)],
      {},
      'MS301',
      'matmul batch dims do not broadcast: [2, 3, 4] @ [5, 4, 2] (2 vs 5 differ)',
    ],
    [
      'matmul',
      [f(), f(3)],
      {},
      'MS303',
      'matmul needs tensors of at least 1 axis, got [] @ [3] (use * for scalars)',
    ],
    [
      'linear',
      [f('batch', 5), f(16, 4)],
      {},
      'MS302',
      'linear shapes do not fit: input [batch, 5] with weight [16, 4] (in features 5 and 4 differ)',
    ],
    [
      'linear',
      [f('batch', 4), f(16, 4), f(4)],
      {},
      'MS302',
      'linear needs a bias of shape [16] for weight [16, 4], got [4]',
    ],
    ['linear', [f('batch', 4), f(4)], {}, 'MS303', 'linear needs a 2-D weight [out, in], got [4]'],
    ['transpose', [f(4)], {}, 'MS303', 'transpose needs at least 2 axes, got [4]'],
    [
      'transpose',
      [f(2, 3)],
      { axis1: 2 },
      'MS303',
      'transpose: axis1=2 is out of range for a 2-D tensor [2, 3]',
    ],
    [
      'reshape',
      [f(6, 4)],
      { shape: [5, 5] },
      'MS304',
      'reshape cannot turn [6, 4] (24 elements) into [5, 5] (25 elements)',
    ],
    [
      'reshape',
      [f(6, 4)],
      { shape: [-1, -1] },
      'MS304',
      'reshape: shape [-1, -1] may hold sizes >= 0 and at most one -1',
    ],
    [
      'reshape',
      [f('batch', 6)],
      { shape: [-1, 4] },
      'MS304',
      'reshape cannot turn [batch, 6] (6*batch elements) into [-1, 4]: 6*batch is not provably a multiple of 4',
    ],
    [
      'reshape',
      [f('batch', 4)],
      { shape: [8, 4] },
      'MS304',
      'reshape cannot turn [batch, 4] (4*batch elements) into [8, 4] (32 elements)',
    ],
    [
      'flatten',
      [f(5)],
      {},
      'MS303',
      'flatten: start_axis=1 is out of range for the 1-D tensor [5] (flatten keeps axis 0 as the batch axis; pass start_axis=0, startAxis: 0 in the Tensor API, to flatten everything)',
    ],
    [
      'flatten',
      [f(2, 3, 4)],
      { start_axis: 2, end_axis: 1 },
      'MS303',
      'flatten: start_axis 2 comes after end_axis 1 for [2, 3, 4]',
    ],
    [
      'concat',
      [f('batch', 2), f('batch', 3, 1)],
      { axis: 1 },
      'MS305',
      'concat along axis 1: tensor 1 of shape [batch, 3, 1] does not fit tensor 0 of shape [batch, 2] (all axes but the concat axis must agree)',
    ],
    [
      'concat',
      [f(2, 3), f(2, 4)],
      {},
      'MS305',
      'concat along axis 0: tensor 1 of shape [2, 4] does not fit tensor 0 of shape [2, 3] (all axes but the concat axis must agree)',
    ],
    [
      'concat',
      [f('batch', 3), f('n', 3)],
      { axis: 1 },
      'MS310',
      'concat along axis 1: tensor 1 of shape [n, 3] does not fit tensor 0 of shape [batch, 3] (all axes but the concat axis must agree) (n vs batch cannot be proven equal)',
    ],
    [
      'sum',
      [f('batch', 3)],
      { axis: 2 },
      'MS303',
      'sum: axis=2 is out of range for a 2-D tensor [batch, 3]',
    ],
    [
      'softmax',
      [f(3)],
      { axis: 1 },
      'MS303',
      'softmax: axis=1 is out of range for a 1-D tensor [3]',
    ],
    ['sum', [f()], { axis: 1 }, 'MS303', 'sum: axis=1 is out of range for a 0-D tensor []'],
    ['slice', [f()], {}, 'MS303', 'slice needs a tensor of at least 1 axis, got []'],
    [
      'cross_entropy',
      [f('batch', 3), i32('n')],
      {},
      'MS310',
      'cross_entropy: scores [batch, 3] need a target of shape [batch], got [n] (batch vs n cannot be proven equal)',
    ],
    [
      'cross_entropy',
      [f(4, 3), i32(5)],
      {},
      'MS308',
      'cross_entropy: scores [4, 3] need a target of shape [4], got [5]',
    ],
    [
      'nll_loss',
      [f(4, 3), i32(4, 3)],
      {},
      'MS308',
      'nll_loss: scores [4, 3] need a target of shape [4], got [4, 3]',
    ],
    [
      'mse_loss',
      [f('batch', 1), f('batch')],
      {},
      'MS308',
      'mse_loss needs input and target of one shape, got [batch, 1] and [batch]',
    ],
    [
      'l1_loss',
      [f('batch'), f('n')],
      {},
      'MS310',
      'l1_loss needs input and target of one shape, got [batch] and [n] (batch vs n cannot be proven equal)',
    ],
    [
      'mse_loss',
      [f('batch', 3), f('n', 4)],
      {},
      'MS308',
      'mse_loss needs input and target of one shape, got [batch, 3] and [n, 4]',
    ],
    ['clamp', [f(3)], {}, 'MS209', 'clamp needs min=, max= or both'],
    ['clamp', [f(3)], { min: 2, max: 1 }, 'MS209', 'clamp: min=2 is greater than max=1'],
  ])('%s %j %j', (op, args, attrs, code, message) => {
    const e = issue(op, args, attrs);
    expect(e.message).toBe(message);
    expect(e.code).toBe(code);
  });
});

describe('inferShapes over a whole graph', () => {
  const inputs = [
    {
      name: 'x',
      shape: ['batch', 4] as Dim[],
      dtype: 'float32' as const,
      loc: { file: 'f', line: 1, column: 1, length: 1 },
    },
  ];
  const parameters = [
    {
      name: 'W',
      shape: [4, 3],
      dtype: 'float32' as const,
      init: { kind: 'zeros' as const },
      trainable: true,
      loc: { file: 'f', line: 1, column: 1, length: 1 },
    },
  ];

  it('infers nodes in order and reports each root cause once', () => {
    const { values, issues } = inferShapes({
      inputs,
      parameters,
      nodes: [
        { name: 'h', op: 'matmul', inputs: ['x', 'W'], attrs: {} },
        { name: 'bad', op: 'matmul', inputs: ['h', 'W'], attrs: {} },
        { name: 'worse', op: 'relu', inputs: ['bad'], attrs: {} },
        { name: 'two', op: 'constant', inputs: [], attrs: { value: 2 }, dtype: 'int32' },
      ],
    });
    expect(values.get('h')).toEqual({ shape: ['batch', 3], dtype: 'float32' });
    expect(values.get('two')).toEqual({ shape: [], dtype: 'int32' });
    expect(values.has('worse')).toBe(false);
    expect(issues).toEqual([
      {
        node: 'bad',
        code: 'MS302',
        message: 'matmul shapes do not fit: [batch, 3] @ [4, 3] (inner dims 3 and 4 differ)',
        operand: undefined,
      },
    ]);
  });

  it('reports a node that uses a value not defined before it', () => {
    const { issues } = inferShapes({
      inputs,
      parameters,
      nodes: [{ name: 'a', op: 'relu', inputs: ['later'], attrs: {} }],
    });
    expect(issues.map((i) => i.code)).toEqual(['MS202']);
  });
});
