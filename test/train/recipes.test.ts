import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { backward } from '../../src/autograd/engine.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { div } from '../../src/ops/index.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { SGD } from '../../src/optim/index.js';
import { compileSpec } from '../../src/runtime/compile.js';
import type { Model } from '../../src/runtime/model.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { evalRun } from '../../src/train/eval-run.js';
import { type FitData, fit as fitModel } from '../../src/train/fit.js';
import { makeOptimizer } from '../../src/train/param-groups.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { flowersSpec } from '../helpers/flowers.js';
import { regressionData } from '../helpers/optimizing.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('recipes');

const SPEC = `modelspec: 1
name: line
inputs:
  x: {shape: [batch, 2]}
  y: {shape: [batch, 1]}
layers:
  from: x
  to: out
  stack:
    - linear: 4
    - tanh
    - linear: 1
loss: mse_loss(out, y)
`;

const weights = (model: Model) => model.parameters().map((p) => Array.from(p.storage));

/** Rows [start, end) of every input. */
function rows(data: FitData, start: number, end: number): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(data).map(([k, t]) => [
      k,
      tensor((t.toArray() as number[][]).slice(start, end)),
    ]),
  );
}

describe('fit: gradient accumulation', () => {
  it('sums accumulate batches (each loss / accumulate) per step, and flushes at the end of an epoch', async () => {
    const data = regressionData(10);
    const model = compileSpec(SPEC, { seed: 2 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.5 });
    const history = await fitModel(model, data, {
      epochs: 2,
      batchSize: 2,
      accumulate: 2,
      optimizer,
      shuffle: false,
    });
    // 5 batches an epoch: steps after batches 2, 4 and 5 (the last alone).
    expect(history.epochs.map((r) => r.step)).toEqual([3, 6]);

    const manual = compileSpec(SPEC, { seed: 2 });
    const sgd = new SGD(manual.parameters(), { lr: 0.1, momentum: 0.5 });
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const group of [[0, 2], [4, 6], [8]]) {
        sgd.zeroGrad({ setToNone: false });
        for (const start of group) backward(div(manual.loss(rows(data, start, start + 2)), 2));
        sgd.step();
      }
    }
    expect(weights(model)).toEqual(weights(manual));
  });
});

describe('fit: clipping', () => {
  it('clips the total gradient norm before each step and reports its mean and maximum', async () => {
    const data = regressionData(8);
    const model = compileSpec(SPEC, { seed: 3 });
    const history = await fitModel(model, data, {
      epochs: 1,
      batchSize: 4,
      optimizer: new SGD(model.parameters(), { lr: 0.5 }),
      clipGradNorm: 0.1,
      shuffle: false,
    });
    const manual = compileSpec(SPEC, { seed: 3 });
    const sgd = new SGD(manual.parameters(), { lr: 0.5 });
    const norms: number[] = [];
    for (const start of [0, 4]) {
      sgd.zeroGrad({ setToNone: false });
      backward(manual.loss(rows(data, start, start + 4)));
      norms.push(clipGradNorm(manual.parameters(), 0.1));
      sgd.step();
    }
    expect(weights(model)).toEqual(weights(manual));
    expect(norms.every((n) => n > 0.1)).toBe(true);
    expect(history.epochs[0].gradNorm).toEqual({
      mean: (norms[0] + norms[1]) / 2,
      max: Math.max(...norms),
    });
  });
});

describe('fit: maxSteps', () => {
  it('records every evalEvery steps and at the last, passing over the data again, reshuffled', async () => {
    const n = 6;
    const data = {
      x: tensor(Array.from({ length: n }, (_, i) => [i, 0])),
      y: tensor(Array.from({ length: n }, () => [0])),
    };
    const model = compileSpec(SPEC);
    const seen: number[] = [];
    const run = model.run.bind(model);
    model.run = (inputs, names) => {
      seen.push(...((inputs.x as Tensor).toArray() as number[][]).map((r) => r[0]));
      return run(inputs, names);
    };
    const history = await fitModel(model, data, {
      maxSteps: 7,
      evalEvery: 3,
      batchSize: 4,
      optimizer: new SGD(model.parameters(), { lr: 0 }),
      seed: 5,
    });
    expect(history.epochs.map((r) => [r.step, r.epoch])).toEqual([
      [3, 2],
      [6, 3],
      [7, 4],
    ]);
    // Batches of 4 and 2 per pass: 7 steps read 3 whole passes and one batch of the fourth.
    const passes = [0, 6, 12].map((at) => seen.slice(at, at + 6));
    for (const pass of passes) expect([...pass].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(passes.map((p) => p.join())).size).toBe(3);
    expect(seen).toHaveLength(22);
  });

  it('refuses epochs and maxSteps together, and neither', async () => {
    const model = compileSpec(SPEC);
    const optimizer = new SGD(model.parameters(), { lr: 0 });
    const data = regressionData(4);
    await expect(
      fitModel(model, data, { epochs: 1, maxSteps: 2, batchSize: 2, optimizer }),
    ).rejects.toThrow('fit: give either epochs or maxSteps');
    await expect(fitModel(model, data, { batchSize: 2, optimizer })).rejects.toThrow(
      'fit: give either epochs or maxSteps',
    );
  });
});

describe('param_groups', () => {
  const model = compileSpec(SPEC);
  const train = (groups: unknown) =>
    ({ optimizer: { adamw: { lr: 0.01, weight_decay: 0.1 } }, param_groups: groups }) as never;
  const names = (optimizer: { paramGroups: { params: Tensor[] }[] }) => {
    const byTensor = new Map(model.namedParameters().map(([n, p]) => [p as Tensor, n]));
    return optimizer.paramGroups.map((g) => g.params.map((p) => byTensor.get(p)));
  };

  it("ndim_below: 2 takes biases (nanoGPT's no-decay group); the rest form the default group, first", () => {
    const optimizer = makeOptimizer(model, train([{ ndim_below: 2, weight_decay: 0 }]));
    expect(names(optimizer)).toEqual([
      ['layers.0.weight', 'layers.2.weight'],
      ['layers.0.bias', 'layers.2.bias'],
    ]);
    expect(optimizer.definition.name).toBe('adamw');
    expect(optimizer.paramGroups.map((g) => (g as { weightDecay?: number }).weightDecay)).toEqual([
      0.1, 0,
    ]);
  });

  it('globs match parameter paths in order: the first group that matches takes a parameter', () => {
    const optimizer = makeOptimizer(
      model,
      train([
        { params: '*.bias', weight_decay: 0 },
        { params: ['layers.2.*', 'nothing.*'], lr: 0.5 },
      ]),
    );
    expect(names(optimizer)).toEqual([
      ['layers.0.weight'],
      ['layers.0.bias', 'layers.2.bias'],
      ['layers.2.weight'],
    ]);
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01, 0.5]);
  });
});

describe('trainRun: recipes from the spec', () => {
  const jsonLines = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('max_steps: one metrics line and one checkpoint per eval_every steps', async () => {
    const spec = flowersSpec(dir.path, 'steps.yaml', [
      ['  epochs: 40', '  max_steps: 10\n  eval_every: 4'],
    ]);
    const out = dir.join('steps');
    const saved: number[] = [];
    const run = await trainRun({
      specPath: spec,
      out,
      onEpoch: () => {
        const fit = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`).metadata.fit as {
          state: { step: number };
        };
        saved.push(fit.state.step);
      },
    });
    const lines = jsonLines(`${out}/${RUN_FILES.metrics}`);
    expect(lines.map((l) => l.step)).toEqual([4, 8, 10]);
    expect(saved).toEqual([4, 8, 10]);
    expect(run.report).toMatchObject({ steps: 10, interrupted: false });
    const resolved = parse(readFileSync(`${out}/${RUN_FILES.spec}`, 'utf8')).train;
    expect(resolved).toMatchObject({ max_steps: 10, eval_every: 4, accumulate: 1 });
    expect(resolved.epochs).toBeUndefined();
  });

  it('adamw with warmup + cosine per step, clipping and groups: the lr of each record, the norms', async () => {
    const spec = flowersSpec(dir.path, 'adamw.yaml', [
      ['  optimizer: { sgd: { lr: 0.2, momentum: 0.9 } }', '  optimizer: { adamw: { lr: 0.01 } }'],
      [
        '  epochs: 40',
        '  epochs: 5\n  clip_grad_norm: 1.0\n  param_groups: [{ndim_below: 2, weight_decay: 0}]\n  schedule: {cosine: {}, warmup: {steps: 4, start_factor: 0.1}, interval: step}',
      ],
    ]);
    const out = dir.join('adamw');
    await trainRun({ specPath: spec, out });
    const resolved = parse(readFileSync(`${out}/${RUN_FILES.spec}`, 'utf8')).train;
    // 4 steps an epoch, 20 in all: 4 of warmup, then 16 of cosine.
    expect(resolved.schedule).toEqual({
      warmup: { steps: 4, start_factor: 0.1 },
      cosine: { t_max: 16, eta_min: 0 },
      interval: 'step',
    });
    expect(resolved.optimizer).toEqual({
      adamw: {
        lr: 0.01,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0.01,
        amsgrad: false,
        maximize: false,
      },
    });
    const lines = jsonLines(`${out}/${RUN_FILES.metrics}`);
    // A record's lr is the lr of its epoch's last step: 3, 7, 11, 15, 19 steps into the schedule.
    const lr = (t: number) =>
      t < 4 ? 0.01 * (0.1 + (0.9 * t) / 4) : (0.01 * (1 + Math.cos((Math.PI * (t - 4)) / 16))) / 2;
    lines.forEach((line, i) => {
      expect(line.lr as number).toBeCloseTo(lr(4 * i + 3), 15);
      const norm = line.gradNorm as { mean: number; max: number };
      expect(norm.max).toBeGreaterThanOrEqual(norm.mean);
      expect(norm.mean).toBeGreaterThan(0);
    });
  });

  it('early_stopping keeps best.safetensors, says where it came from, and eval takes it', async () => {
    // lr 0: the first evaluation is the best and nothing improves on it.
    const spec = flowersSpec(dir.path, 'early.yaml', [
      ['  optimizer: { sgd: { lr: 0.2, momentum: 0.9 } }', '  optimizer: { sgd: { lr: 0 } }'],
      ['  epochs: 40', '  epochs: 10\n  early_stopping: {patience: 2}'],
    ]);
    const out = dir.join('early');
    const run = await trainRun({ specPath: spec, out });
    expect(run.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(run.best).toEqual({
      file: 'best.safetensors',
      metric: 'valid.loss',
      value: run.history[0].valid?.loss,
      epoch: 1,
      step: 4,
    });
    expect(run.report.best).toEqual(run.best);
    expect(run.report.stopped).toMatch(
      /^early stopping: valid.loss has not improved for 2 evaluations; the best, [\d.]+, was at epoch 1 \(step 4\)$/,
    );
    const best = loadCheckpoint(`${out}/${RUN_FILES.best}`);
    expect(best.metadata.best).toEqual(run.best);
    expect(best.metadata.optimizer).toBeUndefined();
    const evaluated = evalRun({ specPath: spec, checkpoint: `${out}/${RUN_FILES.best}` });
    expect(evaluated.metrics.loss).toBe(run.history[0].valid?.loss);
    // The run is over: --resume has nothing left to do.
    const again = await trainRun({ specPath: spec, resume: out });
    expect(again.history).toHaveLength(3);
  });

  it('refuses early stopping on the validation split of a run that has none', async () => {
    const spec = flowersSpec(dir.path, 'novalid.yaml', [
      ['valid: 0.25, ', ''],
      ['  epochs: 40', '  epochs: 2\n  early_stopping: {metric: valid.loss}'],
    ]);
    await expect(trainRun({ specPath: spec, out: dir.join('novalid') })).rejects.toThrow(
      'early_stopping watches valid.loss, but the run has no validation split; set train.data.valid (e.g. 0.2) or watch train.loss',
    );
    expect(existsSync(dir.join('novalid'))).toBe(false);
  });
});
