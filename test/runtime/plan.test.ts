import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  backward,
  compileSpec,
  fit as fitModel,
  noGrad,
  Rng,
  SGD,
  tensor,
} from '../../src/index.js';
import { randomInputs, trainSteps } from './plan-helpers.js';

// The compiled execution plan (src/runtime/plan) against the interpreter: the same numbers,
// one recorded node, buffers reused, and the interpreter wherever the plan does not apply.

const specFiles = (dir: string) =>
  readdirSync(new URL(`../../${dir}/`, import.meta.url))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [
      `${dir}/${f}`,
      readFileSync(new URL(`../../${dir}/${f}`, import.meta.url), 'utf8'),
    ]);

describe('plan vs interpreter on the example specs and benchmark workloads', () => {
  // large.yaml is medium.yaml's ops at 10x the arithmetic: too slow for the reference kernel.
  const workloads = specFiles('bench/workloads').filter(([name]) => !name.endsWith('large.yaml'));
  it.each([...specFiles('specs'), ...workloads])(
    '%s trains to bit-identical weights, full and partial batches',
    (_name, text) => {
      const planned = trainSteps(text, true);
      const interpreted = trainSteps(text, false);
      expect(planned.gradFns.every((n) => n === 'CompiledGraphBackward')).toBe(true);
      expect(interpreted.gradFns.every((n) => n !== 'CompiledGraphBackward')).toBe(true);
      expect(planned.losses).toEqual(interpreted.losses);
      expect(planned.params).toEqual(interpreted.params);
      expect(planned.grads).toEqual(interpreted.grads);
    },
  );
});

const head = (graph: string, loss: string, extraInputs = '') => `modelspec: 1
name: plan-ops
inputs:
  x: {shape: [batch, 3]}
  y: {shape: [batch], dtype: int32}
  yf: {shape: [batch, 2]}
${extraInputs}parameters:
  W: {shape: [3, 4], init: {normal: {std: 0.5}}}
  b: {shape: [4], init: {normal: {std: 0.5}}}
  V: {shape: [2, 4], init: {normal: {std: 0.5}}}
  c: {shape: [2], init: {normal: {std: 0.5}}}
  s: {shape: [], init: {constant: {value: 1.5}}}
graph:
${graph}
loss: ${loss}
`;

describe('plan vs interpreter per op family', () => {
  const cases: [string, string, string][] = [
    [
      'matmul and row/scalar broadcasts',
      '  h: (x @ W + b) * s - b / 2\n  o: linear(h, V, c)',
      'cross_entropy(o, y)',
    ],
    [
      'sub, div and mul of full operands',
      '  h: x @ W\n  g: (h - b) * h / (s + h * h)\n  o: linear(g, V)',
      'mse_loss(o, yf)',
    ],
    [
      'leaky_relu, elu, gelu',
      '  h: elu(leaky_relu(x @ W + b, negative_slope=0.2), alpha=0.5)\n  o: linear(gelu(h), V, c)',
      'l1_loss(o, yf)',
    ],
    [
      'softplus, exp, log, sqrt, abs, neg',
      '  h: sqrt(abs(softplus(x @ W)) + 1) + log(exp(-abs(x @ W)) + 1)\n  o: linear(-h, V, c)',
      'bce_with_logits(o, yf)',
    ],
    [
      'sigmoid into binary_cross_entropy',
      '  o: sigmoid(linear(tanh(x @ W + b), V, c))',
      'binary_cross_entropy(o, yf)',
    ],
    [
      'log_softmax into nll_loss, softmax output',
      '  o: linear(relu(x @ W + b), V, c)\n  p: softmax(o, axis=-1)',
      'nll_loss(log_softmax(o, axis=1), y)',
    ],
    [
      'a value used twice (gradients summed)',
      '  h: relu(x @ W + b)\n  o: linear(h, V, c) + linear(h * h, V)',
      'cross_entropy(o, y)',
    ],
    [
      'flatten, reshape, identity, dropout',
      '  h: dropout(reshape(flatten(x @ W + b), shape=[-1, 4]), p=0.3)\n  o: linear(h, V, c)',
      'cross_entropy(o, y)',
    ],
  ];
  it.each(cases)('%s', (_name, graph, loss) => {
    const spec = head(graph, loss);
    const planned = trainSteps(spec, true);
    const interpreted = trainSteps(spec, false);
    expect(planned.gradFns[0]).toBe('CompiledGraphBackward');
    expect(planned.losses).toEqual(interpreted.losses);
    expect(planned.params).toEqual(interpreted.params);
    expect(planned.grads).toEqual(interpreted.grads);
  });
});

const SMALL = head('  o: linear(relu(x @ W + b), V, c)', 'cross_entropy(o, y)');

describe('plan integration through the public API', () => {
  it('records one CompiledGraphBackward node whose inputs are the trainable parameters', () => {
    const model = compileSpec(SMALL, { seed: 1 });
    const loss = model.loss(randomInputs(model, 5, new Rng(1)));
    expect(loss.gradFn?.name).toBe('CompiledGraphBackward');
    // W, b, V and c: the loss does not read s.
    const leaves = loss.gradFn?.nextFunctions.map((f) => f?.name);
    expect(leaves).toEqual(Array(4).fill('AccumulateGrad'));
  });

  it('runs every op inside the plan, with the numbers of the interpreter', () => {
    const spec = head(
      '  o: linear(concat([x @ W, x @ W], axis=1), concat([V, V], axis=1), c)',
      'cross_entropy(o, y)',
    );
    const model = compileSpec(spec, { seed: 1 });
    const inputs = randomInputs(model, 4, new Rng(2));
    const planned = model.loss(inputs);
    expect(planned.gradFn?.name).toBe('CompiledGraphBackward');
    const interpreted = compileSpec(spec, { seed: 1, plan: false }).loss(inputs);
    expect(planned.item()).toBe(interpreted.item());
  });

  it('falls back for per-op gradients: usePlan(false), plan: false, an input that requires grad', () => {
    const inputs = randomInputs(compileSpec(SMALL), 4, new Rng(3));
    expect(compileSpec(SMALL).usePlan(false).loss(inputs).gradFn?.name).toBe(
      'CrossEntropyBackward',
    );
    expect(compileSpec(SMALL, { plan: false }).loss(inputs).gradFn?.name).toBe(
      'CrossEntropyBackward',
    );
    inputs.x.requiresGrad = true;
    const model = compileSpec(SMALL);
    const loss = model.loss(inputs);
    expect(loss.gradFn?.name).toBe('CrossEntropyBackward');
    backward(loss);
    expect(inputs.x.grad).not.toBeNull();
  });

  it('forward() with recording on keeps per-op gradFns; under noGrad it plans and agrees', () => {
    const model = compileSpec(SMALL, { seed: 2 });
    const inputs = randomInputs(model, 6, new Rng(4));
    const recorded = model.forward(inputs);
    expect(recorded.o.gradFn?.name).toBe('LinearBackward');
    const planned = noGrad(() => model.forward(inputs));
    expect(planned.o.gradFn).toBeNull();
    expect(planned.o.storage).toEqual(recorded.o.storage);
    expect(planned.o.shape).toEqual([6, 2]);
  });

  it('accumulates into the existing .grad storage in place, as the interpreter does', () => {
    const results = [true, false].map((plan) => {
      const model = compileSpec(SMALL, { seed: 3 }).usePlan(plan);
      const optimizer = new SGD(model.parameters(), { lr: 0.1 });
      const inputs = randomInputs(model, 4, new Rng(5));
      backward(model.loss(inputs));
      const storages = model.parameters().map((p) => p.grad?.storage);
      const grads = model.parameters().map((p) => p.grad);
      backward(model.loss(inputs));
      optimizer.zeroGrad({ setToNone: false });
      backward(model.loss(inputs));
      backward(model.loss(inputs));
      expect(model.parameters().map((p) => p.grad)).toEqual(grads);
      model.parameters().forEach((p, i) => {
        expect(p.grad?.storage).toBe(storages[i]);
      });
      return model.parameters().map((p) => Float32Array.from(p.grad?.storage ?? []));
    });
    expect(results[0]).toEqual(results[1]);
  });

  it('scales the parameter gradients by the incoming gradient', () => {
    const grads = [true, false].map((plan) => {
      const model = compileSpec(SMALL, { seed: 3 }).usePlan(plan);
      backward(model.loss(randomInputs(model, 4, new Rng(6))), { gradient: tensor(2.5) });
      return model.parameters().map((p) => Float32Array.from(p.grad?.storage ?? []));
    });
    expect(grads[0]).toEqual(grads[1]);
  });

  it('backward of a loss whose buffers a later run reused still gives its own gradients', () => {
    const dropout = head(
      '  o: linear(dropout(relu(x @ W + b), p=0.5), V, c)',
      'cross_entropy(o, y)',
    );
    const grads = [true, false].map((plan) => {
      const model = compileSpec(dropout, { seed: 3 }).usePlan(plan);
      const rng = new Rng(7);
      const first = model.loss(randomInputs(model, 4, rng));
      const second = model.loss(randomInputs(model, 4, rng));
      backward(first);
      const afterFirst = model.parameters().map((p) => Float32Array.from(p.grad?.storage ?? []));
      backward(second);
      return [afterFirst, model.parameters().map((p) => Float32Array.from(p.grad?.storage ?? []))];
    });
    expect(grads[0]).toEqual(grads[1]);
  });

  it('keeps one plan per batch size and reuses its buffers and the .grad storage', () => {
    const model = compileSpec(SMALL, { seed: 5 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const rng = new Rng(8);
    const step = (batch: number) => {
      optimizer.zeroGrad({ setToNone: false });
      backward(model.loss(randomInputs(model, batch, rng)));
      optimizer.step();
      return model.parameters().map((p) => p.grad?.storage);
    };
    const first = step(8);
    for (const batch of [3, 8, 3, 8]) {
      step(batch).forEach((s, i) => {
        expect(s).toBe(first[i]);
      });
    }
  });
});

describe('plan edge cases', () => {
  it('a run that throws half-way (a target out of range) leaves earlier losses correct', () => {
    const grads = [true, false].map((plan) => {
      const model = compileSpec(SMALL, { seed: 3 }).usePlan(plan);
      const rng = new Rng(11);
      const good = randomInputs(model, 4, rng);
      const bad = randomInputs(model, 4, rng);
      bad.y.storage[2] = 7;
      const loss = model.loss(good);
      expect(() => model.loss(bad)).toThrow(/out of range for 2 classes/);
      backward(loss);
      return model.parameters().map((p) => Float32Array.from(p.grad?.storage ?? []));
    });
    expect(grads[0]).toEqual(grads[1]);
  });

  it('replans when a parameter stops requiring grad, and interprets a float64 parameter', () => {
    const model = compileSpec(SMALL, { seed: 3 });
    const inputs = randomInputs(model, 4, new Rng(13));
    const [W] = model.parameters();
    expect(model.loss(inputs).gradFn?.nextFunctions).toHaveLength(4);
    W.requiresGrad = false;
    const frozen = model.loss(inputs);
    expect(frozen.gradFn?.name).toBe('CompiledGraphBackward');
    expect(frozen.gradFn?.nextFunctions).toHaveLength(3);
    W.requiresGrad = true;
    W.storage = Float64Array.from(W.storage);
    expect(model.loss(inputs).gradFn?.name).toBe('CrossEntropyBackward');
  });

  it('notices a names array changed in place between calls', () => {
    const model = compileSpec(SMALL, { seed: 3 });
    const inputs = randomInputs(model, 4, new Rng(12));
    const names = ['loss'];
    const first = model.run(inputs, names);
    names[0] = 'o';
    const second = model.run(inputs, names);
    expect(Object.keys(first)).toEqual(['loss']);
    expect(Object.keys(second)).toEqual(['o']);
    expect(second.o.shape).toEqual([4, 2]);
  });
});

describe('plan under fit()', () => {
  it("gives the interpreter's history and weights, with a partial last batch and dropout", async () => {
    const spec = head('  o: linear(dropout(relu(x @ W + b), p=0.2), V, c)', 'cross_entropy(o, y)');
    const runs = await Promise.all(
      [true, false].map(async (plan) => {
        const model = compileSpec(spec, { seed: 6 }).usePlan(plan);
        const data = randomInputs(model, 23, new Rng(10));
        const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
        const history = await fitModel(model, data, {
          epochs: 3,
          batchSize: 5,
          optimizer,
          seed: 2,
          metrics: ['accuracy'],
          validationData: data,
        });
        const grads = model.parameters().map((p) => p.grad?.storage);
        await fitModel(model, data, { epochs: 1, batchSize: 5, optimizer, seed: 3 });
        model.parameters().forEach((p, i) => {
          expect(p.grad?.storage).toBe(grads[i]);
        });
        return {
          epochs: history.epochs.map(({ seconds: _, ...rest }) => rest),
          params: model.parameters().map((p) => Float32Array.from(p.storage)),
        };
      }),
    );
    expect(runs[0].epochs).toEqual(runs[1].epochs);
    expect(runs[0].params).toEqual(runs[1].params);
  });
});
