import { describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/engine.js';
import { isGradEnabled } from '../../src/autograd/grad-mode.js';
import { CosineAnnealingLR, StepLR } from '../../src/optim/schedule.js';
import { SGD } from '../../src/optim/sgd.js';
import { compileSpec } from '../../src/runtime/compile.js';
import type { Model } from '../../src/runtime/model.js';
import { tensor } from '../../src/tensor/create.js';
import { ValueError } from '../../src/tensor/errors.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  type EpochRecord,
  evaluate,
  type FitData,
  fit as fitModel,
  TrainingError,
} from '../../src/train/fit.js';
import { regressionData } from '../helpers/optimizing.js';

/** A spec of one weight matrix W [d, k] applied to x, with the given loss over `out`. */
function linearSpec(d: number, k: number, loss: string, extra = ''): string {
  const yShape = loss.startsWith('cross_entropy') ? '[batch], dtype: int32' : `[batch, ${k}]`;
  return `modelspec: 1
name: linear-${d}-${k}
inputs:
  x: {shape: [batch, ${d}]}
  y: {shape: ${yShape}}
parameters:
  W: {shape: [${d}, ${k}], init: {uniform: {low: -0.5, high: 0.5}}}
graph:
  out: ${extra || 'x @ W'}
loss: ${loss}
`;
}

function weights(model: Model): number[][] {
  return model.parameters().map((p) => Array.from(p.storage));
}

/** Records every model.run call: the x rows it got, the mode and the grad mode. */
function spyRuns(model: Model) {
  const calls: { rows: number[][]; training: boolean; grad: boolean }[] = [];
  const run = model.run.bind(model);
  model.run = (inputs, names) => {
    const x = inputs.x as Tensor;
    calls.push({
      rows: x.toArray() as number[][],
      training: model.training,
      grad: isGradEnabled(),
    });
    return run(inputs, names);
  };
  return calls;
}

describe('fit: the step', () => {
  it('is zeroGrad, forward, loss, backward, step: the same weights as the loop written out', async () => {
    const text = linearSpec(2, 1, 'mse_loss(out, y)');
    const data = regressionData(12);
    const model = compileSpec(text, { seed: 4 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.5 });
    await fitModel(model, data, { epochs: 3, batchSize: 5, optimizer, shuffle: false });

    const manual = compileSpec(text, { seed: 4 });
    const sgd = new SGD(manual.parameters(), { lr: 0.1, momentum: 0.5 });
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const [start, end] of [
        [0, 5],
        [5, 10],
        [10, 12],
      ]) {
        const rows = (t: Tensor) => tensor((t.toArray() as number[][]).slice(start, end));
        sgd.zeroGrad();
        const loss = manual.loss({ x: rows(data.x), y: rows(data.y) });
        backward(loss);
        sgd.step();
      }
    }
    expect(weights(model)).toEqual(weights(manual));
  });

  it('keeps the last partial batch: ceil(n / batch) steps, every row once per epoch', async () => {
    const model = compileSpec(linearSpec(2, 1, 'mse_loss(out, y)'));
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    const calls = spyRuns(model);
    const sizes: number[] = [];
    const history = await fitModel(model, regressionData(10), {
      epochs: 2,
      batchSize: 4,
      optimizer,
      onStep: (p) => sizes.push(p.samples),
    });
    expect(history.epochs.map((e) => e.step)).toEqual([3, 6]);
    expect(calls.map((c) => c.rows.length)).toEqual([4, 4, 2, 4, 4, 2]);
    expect(sizes).toEqual([4, 8, 10, 4, 8, 10]);
  });
});

describe('fit: shuffling', () => {
  /** x is the row index, so the rows a step sees tell the order. */
  async function orders(seed: number, shuffle = true): Promise<number[][]> {
    const n = 9;
    const data = {
      x: tensor(Array.from({ length: n }, (_, i) => [i, 0])),
      y: tensor(Array.from({ length: n }, () => [0])),
    };
    const model = compileSpec(linearSpec(2, 1, 'mse_loss(out, y)'));
    const optimizer = new SGD(model.parameters(), { lr: 0 });
    const calls = spyRuns(model);
    await fitModel(model, data, { epochs: 3, batchSize: 4, optimizer, seed, shuffle });
    const seen = calls.flatMap((c) => c.rows.map((r) => r[0]));
    return [seen.slice(0, n), seen.slice(n, 2 * n), seen.slice(2 * n)];
  }

  it('draws a new permutation every epoch from the seed, the same one for the same seed', async () => {
    const first = await orders(3);
    for (const epoch of first)
      expect([...epoch].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(first[0]).not.toEqual(first[1]);
    expect(first[1]).not.toEqual(first[2]);
    expect(await orders(3)).toEqual(first);
    expect(await orders(4)).not.toEqual(first);
  });

  it('keeps the file order with shuffle: false', async () => {
    const inOrder = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    expect(await orders(3, false)).toEqual([inOrder, inOrder, inOrder]);
  });
});

describe('fit: validation', () => {
  it('runs in eval mode under noGrad after each epoch, and training goes on in train mode', async () => {
    const text = `${linearSpec(2, 1, 'mse_loss(out, y)', 'dropout(x, 0.5) @ W')}`;
    const model = compileSpec(text);
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    const calls = spyRuns(model);
    const valid = regressionData(3, 9);
    const history = await fitModel(model, regressionData(8), {
      epochs: 2,
      batchSize: 8,
      optimizer,
      validationData: valid,
    });
    expect(calls.map((c) => [c.rows.length, c.training, c.grad])).toEqual([
      [8, true, true],
      [3, false, false],
      [8, true, true],
      [3, false, false],
    ]);
    expect(model.training).toBe(true);
    // Dropout is off in validation: the numbers are those of a plain evaluation of the weights.
    expect(history.epochs[1].valid).toEqual(evaluate(model, valid));
  });
});

describe('fit: metrics', () => {
  /** A model whose W is `w` and an lr of 0, so one epoch reports the metrics of fixed weights. */
  async function metricsOf(
    text: string,
    w: number[][],
    data: FitData,
    metrics: ('accuracy' | 'mse' | 'mae')[],
  ): Promise<EpochRecord> {
    const model = compileSpec(text);
    model.loadStateDict({ W: w });
    const optimizer = new SGD(model.parameters(), { lr: 0 });
    const history = await fitModel(model, data, {
      epochs: 1,
      batchSize: 3,
      optimizer,
      metrics,
      validationData: data,
    });
    return history.epochs[0];
  }

  it('accuracy of cross_entropy is the argmax of the logits', async () => {
    const x = tensor([
      [3, 1, 0],
      [0, 2, 1],
      [0, 1, 5],
      [4, 0, 0],
      [1, 0, 2],
    ]);
    const y = tensor([0, 1, 1, 0, 1], { dtype: 'int32' });
    const identity = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const record = await metricsOf(linearSpec(3, 3, 'cross_entropy(out, y)'), identity, { x, y }, [
      'accuracy',
    ]);
    expect(record.train.accuracy).toBe(3 / 5);
    expect(record.valid?.accuracy).toBe(3 / 5);
    expect(Object.keys(record.train)).toEqual(['loss', 'accuracy']);
  });

  it('accuracy of binary_cross_entropy thresholds the probability at 0.5', async () => {
    const x = tensor([[-2], [0], [0.5], [3], [-0.1]]);
    const y = tensor([[0], [0], [1], [0], [1]]);
    const text = linearSpec(1, 1, 'binary_cross_entropy(out, y)', 'sigmoid(x @ W)');
    // p(0) = 0.5 counts as class 1: rows 1 (0, wrong), 2 (right), 0 (right), 3 (wrong), 4 (wrong).
    const record = await metricsOf(text, [[1]], { x, y }, ['accuracy']);
    expect(record.train.accuracy).toBe(2 / 5);
  });

  it('accuracy of bce_with_logits thresholds the logit at 0', async () => {
    const x = tensor([[-2], [0], [0.5], [3], [-0.1]]);
    const y = tensor([[0], [1], [1], [1], [0]]);
    const record = await metricsOf(linearSpec(1, 1, 'bce_with_logits(out, y)'), [[1]], { x, y }, [
      'accuracy',
    ]);
    expect(record.train.accuracy).toBe(1);
  });

  it('mse and mae are the mean squared and absolute errors over every output', async () => {
    const x = tensor([[1], [2], [3], [4]]);
    const y = tensor([[1.5], [2], [2], [6]]);
    const record = await metricsOf(linearSpec(1, 1, 'mse_loss(out, y)'), [[1]], { x, y }, [
      'mse',
      'mae',
    ]);
    // errors -0.5, 0, 1, -2
    expect(record.train.mse).toBeCloseTo((0.25 + 0 + 1 + 4) / 4, 6);
    expect(record.train.mae).toBeCloseTo((0.5 + 0 + 1 + 2) / 4, 6);
    expect(record.train.loss).toBeCloseTo(record.train.mse, 6);
  });

  it("refuses accuracy when the loss's target is not one class per example", async () => {
    const perPosition = `modelspec: 1
name: per-position
inputs:
  x: {shape: [batch, 2, 3]}
  y: {shape: [batch, 2], dtype: int32}
loss: cross_entropy(reshape(x, shape=[-1, 3]), reshape(y, shape=[-1]))
`;
    const model = compileSpec(perPosition);
    const data = {
      x: tensor([
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
      ]),
      y: tensor([[0, 1]], { dtype: 'int32' }),
    };
    expect(() => evaluate(model, data, { metrics: ['accuracy'] })).toThrow(
      "metric 'accuracy' counts one class per example, so the loss's target must be an input of shape [batch] (or [batch, 1]); '",
    );
    expect(() => evaluate(model, data, { metrics: ['accuracy'] })).toThrow(
      "'loss/reshape_2' is computed by the graph of shape [2*batch] (spec 'per-position')",
    );
  });

  it('refuses accuracy for a regression loss, naming the loss', async () => {
    const model = compileSpec(linearSpec(2, 1, 'mse_loss(out, y)'));
    const optimizer = new SGD(model.parameters(), { lr: 0 });
    await expect(
      fitModel(model, regressionData(4), {
        epochs: 1,
        batchSize: 2,
        optimizer,
        metrics: ['accuracy'],
      }),
    ).rejects.toThrow(/accuracy.*mse_loss/);
  });
});

describe('fit: learning-rate schedules', () => {
  async function lrs(make: (sgd: SGD) => StepLR | CosineAnnealingLR): Promise<number[]> {
    const model = compileSpec(linearSpec(2, 1, 'mse_loss(out, y)'));
    const optimizer = new SGD(model.parameters(), { lr: 0.4 });
    const history = await fitModel(model, regressionData(4), {
      epochs: 5,
      batchSize: 4,
      optimizer,
      scheduler: make(optimizer),
    });
    return history.epochs.map((e) => e.lr);
  }

  it('step: the lr of each epoch is lr · gamma^floor(epoch / step_size)', async () => {
    const got = await lrs((sgd) => new StepLR(sgd, { stepSize: 2, gamma: 0.5 }));
    expect(got).toEqual([0.4, 0.4, 0.2, 0.2, 0.1]);
  });

  it('cosine: the lr follows half a cosine from lr to eta_min over t_max epochs', async () => {
    const got = await lrs((sgd) => new CosineAnnealingLR(sgd, { tMax: 4, etaMin: 0.1 }));
    const expected = [0, 1, 2, 3, 4].map(
      (e) => 0.1 + (0.3 * (1 + Math.cos((Math.PI * e) / 4))) / 2,
    );
    for (const [i, lr] of got.entries()) expect(lr).toBeCloseTo(expected[i], 12);
    expect(got[4]).toBeCloseTo(0.1, 12);
  });
});

describe('fit: stopping', () => {
  it('stops at the first non-finite loss, naming epoch and step and suggesting a lower lr', async () => {
    const model = compileSpec(linearSpec(1, 1, 'mse_loss(out, y)'));
    model.loadStateDict({ W: [[1]] });
    const before = weights(model);
    const optimizer = new SGD(model.parameters(), { lr: 0.5 });
    const data = { x: tensor([[0], [0], [1e30]]), y: tensor([[0], [0], [0]]) };
    const run = fitModel(model, data, { epochs: 2, batchSize: 1, optimizer, shuffle: false });
    await expect(run).rejects.toThrow(TrainingError);
    await expect(
      fitModel(model, data, { epochs: 2, batchSize: 1, optimizer, shuffle: false }),
    ).rejects.toThrow(
      /^the loss became Infinity at epoch 1, step 3; try a lower learning rate \(now 0\.5\)$/,
    );
    // The two finite steps had zero gradients (x = 0): the bad step changed nothing.
    expect(weights(model)).toEqual(before);
  });

  it('checks its options: a batch size of 0 and negative epochs are ValueErrors', async () => {
    const model = compileSpec(linearSpec(2, 1, 'mse_loss(out, y)'));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    await expect(
      fitModel(model, regressionData(4), { epochs: 1, batchSize: 0, optimizer }),
    ).rejects.toThrow(ValueError);
    await expect(
      fitModel(model, regressionData(4), { epochs: -1, batchSize: 2, optimizer }),
    ).rejects.toThrow(/epochs must be a non-negative integer, got -1/);
  });

  it('shouldStop ends the run after the current step with the state to resume from', async () => {
    const model = compileSpec(linearSpec(2, 1, 'mse_loss(out, y)'));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    let steps = 0;
    const history = await fitModel(model, regressionData(10), {
      epochs: 3,
      batchSize: 4,
      optimizer,
      onStep: () => steps++,
      shouldStop: () => steps === 4,
    });
    expect(history.interrupted).toBe(true);
    expect(history.epochs).toHaveLength(1);
    expect(history.state).toMatchObject({ epoch: 1, stepInEpoch: 1, step: 4 });
  });
});
