import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/compiler/infer.js';
import { graphOf, lowerYaml } from './lower-helper.js';

const IRIS = `inputs:
  x: {shape: [batch, 4]}
  y: {shape: [batch], dtype: int32}
parameters:
  W1: {shape: [4, 16], init: kaiming_uniform}
  b1: {shape: [16], init: zeros}
  W2: {shape: [16, 3], init: {normal: {std: 0.01}}}
  b2: {shape: [3], init: zeros, trainable: false}
graph:
  hidden: relu(x @ W1 + b1)
  logits: hidden @ W2 + b2
  probs: softmax(logits, axis=-1)
outputs: [logits, probs]
loss: cross_entropy(logits, y)
train:
  epochs: 3
`;

describe('lowering to the Graph IR', () => {
  it('lowers the iris spec with readable derived names, in topological order', () => {
    const g = graphOf(IRIS);
    expect(g.version).toBe(1);
    expect(g.name).toBe('t');
    expect(g.nodes.map((n) => [n.name, n.op, n.inputs, n.shape])).toEqual([
      ['hidden/matmul_1', 'matmul', ['x', 'W1'], ['batch', 16]],
      ['hidden/add_1', 'add', ['hidden/matmul_1', 'b1'], ['batch', 16]],
      ['hidden', 'relu', ['hidden/add_1'], ['batch', 16]],
      ['logits/matmul_1', 'matmul', ['hidden', 'W2'], ['batch', 3]],
      ['logits', 'add', ['logits/matmul_1', 'b2'], ['batch', 3]],
      ['probs', 'softmax', ['logits'], ['batch', 3]],
      ['loss', 'cross_entropy', ['logits', 'y'], []],
    ]);
    expect(g.outputs).toEqual(['logits', 'probs']);
    expect(g.loss).toBe('loss');
    expect(g.train).toEqual({ epochs: 3 });
    expect(g.inputs.map((i) => [i.name, i.shape, i.dtype])).toEqual([
      ['x', ['batch', 4], 'float32'],
      ['y', ['batch'], 'int32'],
    ]);
    expect(g.parameters.find((p) => p.name === 'b2')?.trainable).toBe(false);
  });

  it('is plain JSON', () => {
    const g = graphOf(IRIS);
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });

  it('re-infers to the same shapes with inferShapes (as a loaded graph would be checked)', () => {
    const g = graphOf(IRIS);
    const { values, issues } = inferShapes(JSON.parse(JSON.stringify(g)));
    expect(issues).toEqual([]);
    for (const node of g.nodes)
      expect(values.get(node.name)).toEqual({ shape: node.shape, dtype: node.dtype });
  });

  it('records where each node comes from', () => {
    const g = graphOf(IRIS);
    const matmul = g.nodes.find((n) => n.name === 'logits/matmul_1')!;
    // line 13 of the file (2 header lines + 11): `  logits: hidden @ W2 + b2`
    expect(matmul.loc).toEqual({
      file: 't.yaml',
      line: 13,
      column: 11,
      length: 'hidden @ W2'.length,
    });
  });

  it('resolves inits with every argument and the fan from where a parameter is contracted', () => {
    const g = graphOf(IRIS);
    const init = Object.fromEntries(g.parameters.map((p) => [p.name, p.init]));
    expect(init.W1).toEqual({
      kind: 'kaiming_uniform',
      a: 0,
      mode: 'fan_in',
      nonlinearity: 'leaky_relu',
      fanIn: 4,
      fanOut: 16,
    });
    expect(init.W2).toEqual({ kind: 'normal', mean: 0, std: 0.01 });
    expect(init.b1).toEqual({ kind: 'zeros' });
  });

  it('takes fan_in from linear weights, left operands, explicit overrides and torch otherwise', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 4]}
parameters:
  W: {shape: [8, 4], init: xavier_uniform}
  V: {shape: [5, 8], init: kaiming_normal}
  U: {shape: [5, 6], init: {kaiming_uniform: {fan_in: 784, mode: fan_out}}}
  T: {shape: [6, 7, 2], init: xavier_normal}
graph:
  h: linear(x, W)
  k: (V @ h.T).T
  u: sum(k @ U) + sum(T)
`);
    const init = Object.fromEntries(g.parameters.map((p) => [p.name, p.init]));
    expect(init.W).toMatchObject({ kind: 'xavier_uniform', gain: 1, fanIn: 4, fanOut: 8 });
    expect(init.V).toMatchObject({ fanIn: 8, fanOut: 5 });
    expect(init.U).toMatchObject({ mode: 'fan_out', fanIn: 784, fanOut: 6 });
    expect(init.T).toMatchObject({ fanIn: 7 * 2, fanOut: 6 * 2 });
  });

  it('makes constants, neg, transpose and pow nodes', () => {
    const g = graphOf(`inputs:
  x: {shape: [3, 3]}
  k: {shape: [3], dtype: int32}
graph:
  a: -x.T ** 2 * 0.5 - 1e-3
  b: k * 2 + -1
  c: 4
  d: a
`);
    expect(g.nodes.map((n) => [n.name, n.op, n.inputs, n.attrs, n.dtype])).toEqual([
      ['a/transpose_1', 'transpose', ['x'], { axis0: -2, axis1: -1 }, 'float32'],
      ['a/const_1', 'constant', [], { value: 2 }, 'float32'],
      ['a/pow_1', 'pow', ['a/transpose_1', 'a/const_1'], {}, 'float32'],
      ['a/neg_1', 'neg', ['a/pow_1'], {}, 'float32'],
      ['a/const_2', 'constant', [], { value: 0.5 }, 'float32'],
      ['a/mul_1', 'mul', ['a/neg_1', 'a/const_2'], {}, 'float32'],
      ['a/const_3', 'constant', [], { value: 0.001 }, 'float32'],
      ['a', 'sub', ['a/mul_1', 'a/const_3'], {}, 'float32'],
      ['b/const_1', 'constant', [], { value: 2 }, 'int32'],
      ['b/mul_1', 'mul', ['k', 'b/const_1'], {}, 'int32'],
      ['b/const_2', 'constant', [], { value: -1 }, 'int32'],
      ['b', 'add', ['b/mul_1', 'b/const_2'], {}, 'int32'],
      ['c', 'constant', [], { value: 4 }, 'float32'],
      ['d', 'identity', ['a'], {}, 'float32'],
    ]);
    expect(g.outputs).toEqual(['b', 'c', 'd']);
  });

  it('fills in attribute defaults and accepts positional attributes', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 2, 3]}
graph:
  a: dropout(x, 0.1)
  b: sum(flatten(x), 1, true)
  c: slice(x, axis=2, end=2)
  d: concat([x, x], axis=-1)
`);
    const attrs = Object.fromEntries(g.nodes.map((n) => [n.name, n.attrs]));
    expect(attrs.a).toEqual({ p: 0.1 });
    expect(attrs['b/flatten_1']).toEqual({ start_axis: 1, end_axis: -1 });
    expect(attrs.b).toEqual({ axis: 1, keepdim: true });
    expect(attrs.c).toEqual({ axis: 2, start: 0, end: 2, step: 1 });
    expect(g.nodes.find((n) => n.name === 'd')).toMatchObject({
      inputs: ['x', 'x'],
      attrs: { axis: -1 },
      shape: ['batch', 2, 6],
    });
  });

  it('lowers spelled-out op objects like expressions', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 3]}
graph:
  p: {op: softmax, inputs: [x], attrs: {axis: 0}}
  q: {op: mul, inputs: [p, 2]}
`);
    expect(g.nodes.map((n) => [n.name, n.op, n.inputs, n.attrs])).toEqual([
      ['p', 'softmax', ['x'], { axis: 0 }],
      ['q/const_1', 'constant', [], { value: 2 }],
      ['q', 'mul', ['p', 'q/const_1'], {}],
    ]);
  });

  it('defaults outputs to graph nodes nothing else uses (the loss is no use) and drops unneeded nodes', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 3]}
  y: {shape: [batch], dtype: int32}
graph:
  z: x * 2
  logits: z + 1
  probs: softmax(logits)
loss: cross_entropy(logits, y)
`);
    expect(g.outputs).toEqual(['probs']);
    const pruned = graphOf(`inputs:
  x: {shape: [batch, 3]}
graph:
  z: x * 2
  unused: exp(x)
outputs: [z]
`);
    expect(pruned.nodes.map((n) => n.name)).toEqual(['z/const_1', 'z']);
  });

  it('uses a bare-name loss as is and renames the loss node when "loss" is taken', () => {
    expect(
      graphOf(`inputs:
  x: {shape: [3]}
graph:
  total: sum(x)
loss: total
`).loss,
    ).toBe('total');
    const g = graphOf(`inputs:
  x: {shape: [3]}
graph:
  loss: sum(x)
loss: loss * 2
`);
    expect(g.loss).toBe('loss/value');
    expect(g.nodes.map((n) => n.name)).toEqual(['loss', 'loss/value/const_1', 'loss/value']);
  });
});

describe('number literals', () => {
  it('are int32 only when written as whole numbers next to an int32 tensor', () => {
    const { diagnostics } = lowerYaml(`inputs:
  k: {shape: [3], dtype: int32}
graph:
  a: k * 2.0
`);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'MS306',
        'mul mixes int32 and float32 operands (no implicit casts; declare the input as float32)',
      ],
    ]);
  });
});

describe('op objects spelling IR-only ops', () => {
  it('accepts constant and identity, as compile prints them', () => {
    const g = graphOf(`inputs:
  x: {shape: [2]}
graph:
  two: {op: constant, attrs: {value: 2}}
  same: {op: identity, inputs: [x]}
  out: {op: mul, inputs: [same, two]}
`);
    expect(g.nodes.map((n) => [n.name, n.op, n.inputs, n.attrs, n.shape])).toEqual([
      ['two', 'constant', [], { value: 2 }, []],
      ['same', 'identity', ['x'], {}, [2]],
      ['out', 'mul', ['same', 'two'], {}, [2]],
    ]);
  });

  it('checks them like any op', () => {
    const { diagnostics } = lowerYaml(`inputs:
  x: {shape: [2]}
graph:
  c: {op: constant, inputs: [x]}
`);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['MS206', 'constant takes 0 inputs, got 1'],
      ['MS210', "constant needs the attribute 'value'"],
    ]);
  });
});
