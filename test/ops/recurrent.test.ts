import { afterAll, describe, expect, it } from 'vitest';
import {
  AutogradError,
  backward,
  compileSpec,
  dropout,
  gru,
  lstm,
  mul,
  noGrad,
  Rng,
  randn,
  rnn,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  ValueError,
} from '../../src/index.js';
import { BACKEND_NAMES, backendReport, useKernelBackend } from '../../src/kernels/backend.js';
import { errorsOf, graphOf, onlyError } from '../compiler/lower-helper.js';

// What the per-op tests derived from the examples (torch parity, gradcheck, plan = interpreter)
// cannot show: dropout between layers while training (torch's generator is not ours), the
// refusals, and the module kinds.

const OPS = { rnn, gru, lstm } as const;
const GATES = { rnn: 1, gru: 3, lstm: 4 } as const;

/** torch's flat parameter list of one layer, float64 N(0, 0.5²), requiring grad. */
function layer(kind: keyof typeof GATES, input: number, hidden: number, seed: number): Tensor[] {
  const rows = GATES[kind] * hidden;
  const rng = new Rng(seed);
  return [[rows, input], [rows, hidden], [rows], [rows]].map((shape) =>
    tensor(
      Float64Array.from({ length: shape.reduce((a, b) => a * b) }, () => 0.5 * rng.normal()),
      { shape, requiresGrad: true },
    ),
  );
}

describe('dropout between layers while training', () => {
  for (const kind of ['rnn', 'gru', 'lstm'] as const) {
    for (const p of [0.4, 1]) {
      it(`${kind}, p = ${p}: is the dropout op on the lower layer's output, values and gradients`, () => {
        const op = OPS[kind];
        const x = randn([3, 4, 2], { dtype: 'float64', requiresGrad: true, rng: new Rng(1) });
        const l0 = layer(kind, 2, 5, 2);
        const l1 = layer(kind, 5, 5, 3);
        const weights = randn([3, 4, 5], { dtype: 'float64', rng: new Rng(4) });
        const stacked = () => op([x, ...l0, ...l1], { layers: 2, dropout: p, rng: new Rng(9) });
        const composed = () => {
          const rng = new Rng(9);
          const below = op([x, ...l0], { rng });
          return op([dropout(below, { p, rng }), ...l1], { rng });
        };
        const results = [stacked, composed].map((f) => {
          for (const t of [x, ...l0, ...l1]) t.grad = null;
          const out = f();
          backward(sum(mul(out, weights)));
          return {
            out: Array.from(out.storage),
            grads: [x, ...l0, ...l1].map((t) => Array.from(t.grad!.storage)),
          };
        });
        expect(results[0].out).toEqual(results[1].out);
        expect(results[0].grads).toEqual(results[1].grads);
        if (p === 1) expect(l0.every((t) => t.grad!.storage.every((g) => g === 0))).toBe(true);
      });
    }
  }

  it('draws a new mask each call, from the given generator', () => {
    const x = randn([2, 3, 2], { rng: new Rng(1) });
    const params = [...layer('gru', 2, 4, 2), ...layer('gru', 4, 4, 3)];
    const rng = new Rng(5);
    const a = gru([x, ...params], { layers: 2, dropout: 0.5, rng });
    const b = gru([x, ...params], { layers: 2, dropout: 0.5, rng });
    const c = gru([x, ...params], { layers: 2, dropout: 0.5, rng: new Rng(5) });
    expect(Array.from(a.storage)).not.toEqual(Array.from(b.storage));
    expect(Array.from(a.storage)).toEqual(Array.from(c.storage));
    const evalA = gru([x, ...params], { layers: 2, dropout: 0.5, training: false });
    const none = gru([x, ...params], { layers: 2 });
    expect(Array.from(evalA.storage)).toEqual(Array.from(none.storage));
  });
});

describe('gradients of some operands only', () => {
  for (const kind of ['gru', 'lstm'] as const) {
    it(`${kind}: bias_hh's gradient alone is the one computed beside the others'`, () => {
      const x = randn([2, 3, 4], { dtype: 'float64', rng: new Rng(1) });
      const w = randn([2, 3, 5], { dtype: 'float64', rng: new Rng(2) });
      const all = layer(kind, 4, 5, 3);
      backward(sum(mul(OPS[kind]([x, ...all]), w)));
      const alone = all.map((p, i) => tensor(p.storage, { shape: p.shape, requiresGrad: i === 3 }));
      backward(sum(mul(OPS[kind]([x, ...alone]), w)));
      expect(Array.from(alone[3].grad!.storage)).toEqual(Array.from(all[3].grad!.storage));
      expect(alone[2].grad).toBeNull();
    });
  }
});

describe('recurrent ops refuse', () => {
  const x = randn([2, 3, 4]);
  it('a parameter list that does not fit the layers', () => {
    const l0 = layer('gru', 4, 5, 1);
    expect(() => gru([x, ...l0.slice(0, 3)])).toThrow(ValueError);
    expect(() => gru([x, ...l0.slice(0, 3)])).toThrow(
      'gru with layers=1 takes the input and then 2 weights (weight_ih_l0, weight_hh_l0 for each layer) or 4 with biases (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 for each layer), got 3 after the input',
    );
    expect(() => gru([x, ...l0, l0[0]], { layers: 2 })).toThrow(/layers=2 takes .* got 5 after/);
    // Four tensors for two layers are two layers without biases: the third is not a weight.
    expect(() => gru([x, ...l0], { layers: 2 })).toThrow(
      'gru needs weight_ih_l1 of shape [15, 5] (3·hidden rows and the hidden size as columns; hidden 5 from weight_hh_l0 [15, 5]), got [15]',
    );
  });

  it('a parameter of the wrong shape, by its torch name', () => {
    const l0 = layer('lstm', 4, 5, 1);
    const l1 = layer('lstm', 4, 5, 2);
    expect(() => lstm([x, ...l0, ...l1], { layers: 2 })).toThrow(ShapeError);
    expect(() => lstm([x, ...l0, ...l1], { layers: 2 })).toThrow(
      'lstm needs weight_ih_l1 of shape [20, 5] (4·hidden rows and the hidden size as columns; hidden 5 from weight_hh_l0 [20, 5]), got [20, 4]',
    );
    const gruWeights = layer('gru', 4, 5, 1);
    expect(() => lstm([x, ...gruWeights])).toThrow(
      'lstm needs weight_ih_l0 of shape [20, 4] (4·hidden rows',
    );
    const wrongInput = layer('rnn', 3, 5, 1);
    expect(() => rnn([x, ...wrongInput])).toThrow(
      "rnn needs weight_ih_l0 of shape [5, 4] (hidden rows and the input's features as columns",
    );
  });

  it('an input that is not [batch, time, features] or [time, features]', () => {
    expect(() => rnn([randn([2, 3, 4, 1]), ...layer('rnn', 1, 2, 1)])).toThrow(
      'rnn needs an input [batch, time, features] (or [time, features]), got [2, 3, 4, 1]',
    );
    // torch: "Expected sequence length to be larger than 0 in RNN"; an empty batch is fine.
    expect(() => gru([randn([2, 0, 4]), ...layer('gru', 4, 2, 1)])).toThrow(
      'gru needs at least one time step, got an input [2, 0, 4]',
    );
    expect(gru([randn([0, 3, 4]), ...layer('gru', 4, 2, 1)]).shape).toEqual([0, 3, 2]);
  });

  it('a weight changed in place between forward and backward, as torch does', () => {
    const params = layer('gru', 4, 3, 1);
    const out = gru([x, ...params]);
    noGrad(() => params[1].mul_(2));
    expect(() => backward(sum(out))).toThrow(AutogradError);
  });
});

describe('recurrent module kinds', () => {
  it("make torch's parameters: names, order, shapes, and U(±1/√hidden) for each", () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 7, 3]}
layers:
  from: x
  to: h
  stack:
    - lstm: {hidden: 4, layers: 2}
    - gru: {hidden: 16, bias: false}
    - rnn: 2
`);
    expect(g.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['layers.0.weight_ih_l0', [16, 3]],
      ['layers.0.weight_hh_l0', [16, 4]],
      ['layers.0.bias_ih_l0', [16]],
      ['layers.0.bias_hh_l0', [16]],
      ['layers.0.weight_ih_l1', [16, 4]],
      ['layers.0.weight_hh_l1', [16, 4]],
      ['layers.0.bias_ih_l1', [16]],
      ['layers.0.bias_hh_l1', [16]],
      ['layers.1.weight_ih_l0', [48, 4]],
      ['layers.1.weight_hh_l0', [48, 16]],
      ['layers.2.weight_ih_l0', [2, 16]],
      ['layers.2.weight_hh_l0', [2, 2]],
      ['layers.2.bias_ih_l0', [2]],
      ['layers.2.bias_hh_l0', [2]],
    ]);
    const inits = g.parameters.map((p) => JSON.stringify(p.init));
    expect(inits[0]).toBe(JSON.stringify({ kind: 'uniform', low: -0.5, high: 0.5 }));
    expect(inits[9]).toBe(JSON.stringify({ kind: 'uniform', low: -0.25, high: 0.25 }));
    expect(inits[13]).toBe(
      JSON.stringify({ kind: 'uniform', low: -1 / Math.sqrt(2), high: 1 / Math.sqrt(2) }),
    );
    expect(g.nodes.map((n) => [n.op, n.attrs, n.shape])).toEqual([
      ['lstm', { layers: 2, dropout: 0 }, ['batch', 7, 4]],
      ['gru', { layers: 1, dropout: 0 }, ['batch', 7, 16]],
      ['rnn', { layers: 1, dropout: 0, nonlinearity: 'tanh' }, ['batch', 7, 2]],
    ]);
  });

  it('fill their parameters within ±1/√hidden', () => {
    const model = compileSpec(
      `modelspec: 1
name: t
inputs:
  x: {shape: [batch, 5, 8]}
layers: {from: x, to: h, stack: [{gru: 64}]}
`,
      { seed: 3 },
    );
    for (const [name, p] of model.namedParameters()) {
      const values = Array.from(p.storage);
      expect(Math.max(...values.map(Math.abs)), name).toBeLessThanOrEqual(1 / 8);
      const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
      expect(Math.abs(rms - 1 / 8 / Math.sqrt(3)), name).toBeLessThan(0.01);
    }
  });

  it('report a bad input or argument at the stack entry', () => {
    const rank = onlyError(`inputs:
  x: {shape: [batch, 5, 3, 2]}
layers: {from: x, to: h, stack: [relu, {gru: 4}]}
`);
    expect(rank.code).toBe('MS303');
    expect(rank.message).toBe(
      'gru needs an input [batch, time, features] (or [time, features]), got [batch, 5, 3, 2]',
    );
    expect(
      errorsOf(`inputs:
  x: {shape: [batch, t, f]}
layers: {from: x, to: h, stack: [{lstm: 4}]}
`),
    ).toEqual(['MS311 5:34']);
    const spec = (entry: string) =>
      `modelspec: 1\nname: t\ninputs:\n  x: {shape: [batch, 5, 3]}\nlayers: {from: x, to: h, stack: [${entry}]}\n`;
    expect(() => compileSpec(spec('{gru: {hidden: 4, layers: 0}}'))).toThrow(
      /layers must be at least 1, found 0/,
    );
    expect(() => compileSpec(spec('{rnn: {hidden: 4, nonlinearity: sigmoid}}'))).toThrow(
      /nonlinearity must be one of/,
    );
    expect(() => compileSpec(spec('{lstm: {hidden: 4, dropout: 1.5}}'))).toThrow(
      /dropout must be between 0 and 1, got 1.5/,
    );
  });

  it('run as ops in graph expressions, on declared parameters', () => {
    const model = compileSpec(
      `modelspec: 1
name: t
inputs:
  x: {shape: [batch, 4, 3]}
parameters:
  w_ih: {shape: [20, 3], init: {uniform: {low: -0.4, high: 0.4}}}
  w_hh: {shape: [20, 5], init: {uniform: {low: -0.4, high: 0.4}}}
graph:
  h: lstm([x, w_ih, w_hh], layers=1)
`,
      { seed: 2 },
    );
    const x = randn([2, 4, 3], { rng: new Rng(1) });
    const { h } = model.forward({ x });
    expect(h.shape).toEqual([2, 4, 5]);
    const params = model.parameters();
    expect(Array.from(h.storage)).toEqual(Array.from(lstm([x, ...params]).storage));
  });

  it('drop between layers in a compiled model: the plan gives the interpreter\u2019s bits', () => {
    const spec = `modelspec: 1
name: t
inputs:
  x: {shape: [batch, 6, 3]}
  y: {shape: [batch, 6, 4]}
layers: {from: x, to: h, stack: [{lstm: {hidden: 4, layers: 3, dropout: 0.3}}]}
loss: mse_loss(h, y)
`;
    const x = randn([2, 6, 3], { rng: new Rng(1) });
    const y = randn([2, 6, 4], { rng: new Rng(2) });
    const runs = [true, false].map((plan) => {
      const model = compileSpec(spec, { seed: 7, plan });
      const losses = [0, 1].map(() => {
        for (const p of model.parameters()) p.grad = null;
        const loss = model.loss({ x, y });
        backward(loss);
        return loss.item();
      });
      return { losses, grads: model.parameters().map((p) => Array.from(p.grad!.storage)) };
    });
    expect(runs[0].losses).toEqual(runs[1].losses);
    expect(runs[0].losses[0]).not.toBe(runs[0].losses[1]);
    expect(runs[0].grads).toEqual(runs[1].grads);
  });
});

describe('recurrent ops on every kernel backend', () => {
  const chosen = backendReport().name;
  afterAll(() => useKernelBackend(chosen));
  const available = BACKEND_NAMES.filter((n) => backendReport().unavailable[n] === undefined);
  for (const kind of ['gru', 'lstm', 'rnn'] as const) {
    it(`${kind}: float32 values and gradients within rounding of float64 on ${available.join(', ')}`, () => {
      // Products large enough for the fast kernels (more than 512 multiply-adds per step).
      const x64 = randn([4, 6, 16], { dtype: 'float64', rng: new Rng(1) });
      const params64 = [...layer(kind, 16, 32, 2), ...layer(kind, 32, 32, 3)].map((p) =>
        noGrad(() => mul(p, 0.4)),
      );
      const weights = randn([4, 6, 32], { dtype: 'float64', rng: new Rng(4) });
      const run = (dtype: 'float32' | 'float64') => {
        const params = params64.map((p) =>
          tensor(dtype === 'float32' ? Float32Array.from(p.storage) : p.storage, {
            shape: p.shape,
            requiresGrad: true,
          }),
        );
        const x = tensor(dtype === 'float32' ? Float32Array.from(x64.storage) : x64.storage, {
          shape: x64.shape,
          requiresGrad: true,
        });
        const out = OPS[kind]([x, ...params], { layers: 2 });
        backward(sum(mul(out, weights)));
        return [out, x.grad!, ...params.map((p) => p.grad!)].map((t) => Array.from(t.storage));
      };
      const want = run('float64');
      for (const name of available) {
        useKernelBackend(name);
        const got = run('float32');
        got.forEach((values, k) => {
          const scale = Math.max(...want[k].map(Math.abs));
          const worst = Math.max(...values.map((v, i) => Math.abs(v - want[k][i])));
          expect(worst / scale, `${name}: tensor ${k}`).toBeLessThan(1e-5);
        });
      }
    });
  }
});
