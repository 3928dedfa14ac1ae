import { describe, expect, it } from 'vitest';
import { planModule } from '../../src/compiler/module-spec.js';

/** What planModule says of a stack entry: its message, or the plan. */
const planLayer = (_index: number, entry: unknown) => {
  const plan = planModule(entry, new Map(), new Set());
  return 'message' in plan ? plan.message : plan;
};

import { errorsOf, graphOf, onlyError } from './lower-helper.js';

describe('layers expansion', () => {
  it('names parameters and nodes as nn.Sequential, counting every entry', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 4]}
layers:
  from: x
  to: logits
  stack:
    - linear: 64
    - relu
    - linear: 3
`);
    expect(g.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['layers.0.weight', [64, 4]],
      ['layers.0.bias', [64]],
      ['layers.2.weight', [3, 64]],
      ['layers.2.bias', [3]],
    ]);
    expect(g.nodes.map((n) => [n.name, n.op, n.inputs, n.shape])).toEqual([
      ['layers.0', 'linear', ['x', 'layers.0.weight', 'layers.0.bias'], ['batch', 64]],
      ['layers.1', 'relu', ['layers.0'], ['batch', 64]],
      ['logits', 'linear', ['layers.1', 'layers.2.weight', 'layers.2.bias'], ['batch', 3]],
    ]);
    expect(g.outputs).toEqual(['logits']);
  });

  it('initialises linear layers as torch nn.Linear', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 16]}
layers: {from: x, to: out, stack: [{linear: 10}]}
`);
    const [weight, bias] = g.parameters;
    expect(weight.init).toEqual({
      kind: 'kaiming_uniform',
      a: Math.sqrt(5),
      mode: 'fan_in',
      nonlinearity: 'leaky_relu',
      fanIn: 16,
      fanOut: 10,
    });
    expect(bias.init).toEqual({ kind: 'uniform', low: -0.25, high: 0.25 });
    expect(weight.trainable && bias.trainable).toBe(true);
  });

  it('puts declared parameters first, then the stack, and mixes with graph both ways', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 2, 2]}
  y: {shape: [batch], dtype: int32}
parameters:
  scale: {shape: [], init: ones}
graph:
  scaled: x * scale
  probs: softmax(logits)
layers:
  from: scaled
  to: logits
  stack:
    - flatten
    - linear: {out: 8, bias: false}
    - leaky_relu: 0.2
    - dropout: 0.1
    - linear: 3
    - log_softmax: {axis: 1}
loss: nll_loss(logits, y)
`);
    expect(g.parameters.map((p) => p.name)).toEqual([
      'scale',
      'layers.1.weight',
      'layers.4.weight',
      'layers.4.bias',
    ]);
    expect(g.nodes.map((n) => [n.name, n.op, n.attrs])).toEqual([
      ['scaled', 'mul', {}],
      ['layers.0', 'flatten', { start_axis: 1, end_axis: -1 }],
      ['layers.1', 'linear', {}],
      ['layers.2', 'leaky_relu', { negative_slope: 0.2 }],
      ['layers.3', 'dropout', { p: 0.1 }],
      ['layers.4', 'linear', {}],
      ['logits', 'log_softmax', { axis: 1 }],
      ['probs', 'softmax', { axis: -1 }],
      ['loss', 'nll_loss', { reduction: 'mean' }],
    ]);
    expect(g.nodes.find((n) => n.name === 'layers.1')?.inputs).toEqual([
      'layers.0',
      'layers.1.weight',
    ]);
  });

  it('reports a symbolic input size at the linear entry', () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, n]}
layers:
  from: x
  to: out
  stack:
    - relu
    - linear: 3
`);
    expect(e.code).toBe('MS311');
    expect(`${e.line}:${e.column}`).toBe('10:7');
    expect(e.message).toBe(
      "linear layer needs a fixed number of input features, but its input 'layers.0' is [batch, n]",
    );
  });

  it('reports an unknown from and a taken to', () => {
    expect(
      errorsOf(`inputs:
  x: {shape: [batch, 4]}
layers: {from: z, to: x, stack: [relu]}
`),
    ).toEqual(['MS203 5:23', 'MS202 5:16']);
  });

  it('explains entries it cannot use', () => {
    expect(planLayer(0, 'linear')).toMatch(
      /^linear needs its output features \(out\), e.g. '- linear: 64'/,
    );
    expect(planLayer(0, 'conv9d')).toMatch(/^unknown module kind 'conv9d'/);
    expect(planLayer(0, { conv2d: { out: 8 } })).toBe(
      "conv2d needs its kernel size (kernel), e.g. '- conv2d: {out: 64, kernel: 3}'",
    );
    expect(planLayer(0, 'rleu')).toMatch(/did you mean 'relu'\?/);
    expect(planLayer(0, { linear: { out: 3, bias: 'yes' } })).toBe(
      "linear: bias must be true or false, got 'yes'",
    );
    expect(planLayer(0, { linear: { out: 3, width: 2 } })).toBe(
      "linear has no setting 'width' (known: out, bias)",
    );
    expect(planLayer(0, { dropout: 1.5 })).toBe('dropout: p must be between 0 and 1, got 1.5');
    expect(planLayer(0, { relu: 2 })).toBe('relu takes no settings, got 2');
    expect(planLayer(0, { softmax: { dim: 1 } })).toBe(
      "softmax has no setting 'dim'; did you mean 'axis'? (known: axis)",
    );
    expect(planLayer(0, { relu: null, tanh: null })).toMatch(
      /^a module is one 'kind: arguments' pair, got relu, tanh/,
    );
    const elu = planLayer(3, { elu: { alpha: 0.5 } });
    expect(typeof elu !== 'string' && elu.kind === 'op' && [elu.layer.name, elu.args]).toEqual([
      'elu',
      { alpha: 0.5 },
    ]);
    const drop = planLayer(1, 'dropout');
    expect(typeof drop !== 'string' && drop.kind === 'op' && [drop.layer.name, drop.args]).toEqual([
      'dropout',
      { p: 0.5 },
    ]);
  });
});
