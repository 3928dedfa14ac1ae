import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { lowerSpecText } from '../../src/runtime/compile.js';
import type { EpochRecord } from '../../src/train/fit.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { FIXTURES, FLOWERS_SPEC, flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('train-run');

function jsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('trainRun: the run folder', () => {
  it('holds the checkpoint, metrics.jsonl, spec.resolved.yaml and report.json, and nothing else', async () => {
    const out = dir.join('flowers');
    const epochs: EpochRecord[] = [];
    const result = await trainRun({
      specPath: FLOWERS_SPEC,
      out,
      epochs: 4,
      onEpoch: (r) => epochs.push(r),
    });
    expect(readdirSync(out).sort()).toEqual(
      [RUN_FILES.checkpoint, RUN_FILES.metrics, RUN_FILES.report, RUN_FILES.spec].sort(),
    );
    expect(result.runDir).toBe(out);
    expect(result.history).toEqual(epochs);

    // metrics.jsonl: the epoch records without their timing (so reruns give the same file).
    const lines = jsonLines(`${out}/${RUN_FILES.metrics}`);
    expect(lines).toEqual(epochs.map(({ seconds: _s, ...rest }) => rest));
    expect(lines[3]).toMatchObject({ epoch: 4, step: 16, lr: 0.2 });
    expect(Object.keys(lines[0].train as object)).toEqual(['loss', 'accuracy']);
    expect(Object.keys(lines[0].valid as object)).toEqual(['loss', 'accuracy']);

    const report = JSON.parse(readFileSync(`${out}/${RUN_FILES.report}`, 'utf8'));
    expect(report).toMatchObject({
      name: 'flowers',
      epochs: 4,
      steps: 16,
      interrupted: false,
      final: { train: epochs[3].train, valid: epochs[3].valid },
      parameters: 2 * 8 + 8 + 8 * 3 + 3,
      data: { trainRows: 27, validRows: 9, classes: ['left', 'middle', 'right'] },
    });
    expect(report.specHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes spec.resolved.yaml with every default of train filled in, comments kept', async () => {
    const out = dir.join('resolved');
    await trainRun({ specPath: FLOWERS_SPEC, out, epochs: 1, lr: 0.05, batchSize: 5, seed: 8 });
    const text = readFileSync(`${out}/${RUN_FILES.spec}`, 'utf8');
    expect(text).toContain('# width, height');
    const resolved = parse(text);
    expect(resolved.train).toEqual({
      data: { csv: join(FIXTURES, 'flowers.csv'), target: 'kind', valid: 0.25, standardize: true },
      optimizer: {
        sgd: {
          lr: 0.05,
          momentum: 0.9,
          dampening: 0,
          weight_decay: 0,
          nesterov: false,
          maximize: false,
        },
      },
      epochs: 1,
      accumulate: 1,
      batch_size: 5,
      seed: 8,
      shuffle: true,
      metrics: ['accuracy'],
      checkpoint_every: 1,
    });
    // Still a valid spec, with the same graph (source locations aside: the text moved).
    const nodes = (text: string) =>
      lowerSpecText(text).graph.nodes.map(({ name, op, inputs, shape }) => ({
        name,
        op,
        inputs,
        shape,
      }));
    expect(nodes(text)).toEqual(nodes(readFileSync(FLOWERS_SPEC, 'utf8')));
  });

  it('fills in the schedule: cosine t_max defaults to the epochs, step gamma to 0.1', async () => {
    const cosine = flowersSpec(dir.path, 'cosine.yaml', [
      ['  epochs: 40', '  epochs: 3\n  schedule: { cosine: {} }'],
    ]);
    await trainRun({ specPath: cosine, out: dir.join('cosine') });
    const train = parse(readFileSync(dir.join('cosine', RUN_FILES.spec), 'utf8')).train;
    expect(train.schedule).toEqual({ cosine: { t_max: 3, eta_min: 0 }, interval: 'epoch' });
    const lrs = jsonLines(dir.join('cosine', RUN_FILES.metrics)).map((l) => l.lr as number);
    expect(lrs[0]).toBe(0.2);
    expect(lrs[1]).toBeCloseTo(0.2 * 0.75, 12);
    expect(lrs[2]).toBeCloseTo(0.2 * 0.25, 12);

    const step = flowersSpec(dir.path, 'step.yaml', [
      ['  epochs: 40', '  epochs: 3\n  schedule: { step: { step_size: 2 } }'],
    ]);
    await trainRun({ specPath: step, out: dir.join('step') });
    const stepTrain = parse(readFileSync(dir.join('step', RUN_FILES.spec), 'utf8')).train;
    expect(stepTrain.schedule).toEqual({ step: { step_size: 2, gamma: 0.1 }, interval: 'epoch' });
    const stepLrs = jsonLines(dir.join('step', RUN_FILES.metrics)).map((l) => l.lr as number);
    expect(stepLrs[0]).toBe(0.2);
    expect(stepLrs[1]).toBe(0.2);
    expect(stepLrs[2]).toBeCloseTo(0.02, 12);
  });

  it('refuses a folder that already holds files, pointing at --resume', async () => {
    await expect(trainRun({ specPath: FLOWERS_SPEC, out: dir.join('flowers') })).rejects.toThrow(
      /already holds files; pick another --out, or continue that run with --resume/,
    );
  });

  it('saves a checkpoint every checkpoint_every epochs and after the last one', async () => {
    const spec = flowersSpec(dir.path, 'every.yaml', [
      ['  epochs: 40', '  epochs: 5\n  checkpoint_every: 2'],
    ]);
    const out = dir.join('every');
    const saved: (number | null)[] = [];
    await trainRun({
      specPath: spec,
      out,
      onEpoch: () => {
        const path = `${out}/${RUN_FILES.checkpoint}`;
        const fit = existsSync(path)
          ? (loadCheckpoint(path).metadata.fit as { state: { epoch: number } })
          : null;
        saved.push(fit ? fit.state.epoch : null);
      },
    });
    expect(saved).toEqual([null, 2, 2, 4, 5]);
  });
});

describe('trainRun: CSV data', () => {
  it('binds features to x and the string target to y as class indices in sorted order', async () => {
    const out = dir.join('csv');
    const result = await trainRun({ specPath: FLOWERS_SPEC, out, epochs: 40 });
    const data = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`).metadata.data;
    expect(data).toMatchObject({
      featureNames: ['width', 'height'],
      targetName: 'kind',
      classes: ['left', 'middle', 'right'],
      featureInput: 'x',
      targetInput: 'y',
    });
    // The three clusters are separable: the whole run learns them.
    expect(result.history[39].valid?.accuracy).toBe(1);
  });

  it('reads --data relative to the working directory, not to the spec', async () => {
    const spec = flowersSpec(dir.path, 'elsewhere.yaml');
    const data = relative(process.cwd(), `${FIXTURES}/flowers.csv`);
    const result = await trainRun({ specPath: spec, out: dir.join('cwd'), epochs: 1, data });
    expect(result.report.data).toMatchObject({ source: join(FIXTURES, 'flowers.csv') });
  });

  it('records the data statistics of the training split with the checkpoint', async () => {
    const info = loadCheckpoint(dir.join('csv', RUN_FILES.checkpoint)).metadata.data as {
      standardizer: { mean: number[]; std: number[] };
    };
    expect(info.standardizer.mean).toHaveLength(2);
    expect(info.standardizer.std.every((s) => s > 0)).toBe(true);
  });
});

describe('trainRun: binding columns to inputs', () => {
  // The target input comes first: the default rule (features to the first float input) fails,
  // naming the shapes; train.data.bind says which is which.
  const spec = (bind: string) => `modelspec: 1
name: bound
inputs:
  target: {shape: [batch, 1]}
  features: {shape: [batch, 3]}
parameters:
  w: {shape: [3, 1], init: zeros}
graph:
  prediction: features @ w
loss: mse_loss(prediction, target)
train:
  data: {dataset: linear${bind}}
  optimizer: {sgd: {lr: 0.05}}
  epochs: 2
`;

  it('by default: features to the first float input, the target to the other', async () => {
    const path = dir.write('unbound.yaml', spec(''));
    await expect(trainRun({ specPath: path, out: dir.join('unbound') })).rejects.toThrow(
      "input 'target' has shape [batch, 1], which takes 1 features per row, but data set 'linear' has 3 (3 columns)",
    );
    expect(existsSync(dir.join('unbound'))).toBe(false);
  });

  it('as train.data.bind says', async () => {
    const path = dir.write('bound.yaml', spec(', bind: {features: features, target: target}'));
    const result = await trainRun({ specPath: path, out: dir.join('bound') });
    expect(result.history[1].train.loss).toBeLessThan(result.history[0].train.loss);
    const data = loadCheckpoint(dir.join('bound', RUN_FILES.checkpoint)).metadata.data;
    expect(data).toMatchObject({ featureInput: 'features', targetInput: 'target' });
  });
});

describe('trainRun: a NaN loss', () => {
  it('stops with the message, keeps the last checkpoint and says why in report.json', async () => {
    const out = dir.join('nan');
    await expect(
      trainRun({ specPath: 'specs/linear-regression.yaml', out, lr: 3 }),
    ).rejects.toThrow(
      /^the loss became (Infinity|NaN) at epoch 3, step 26; try a lower learning rate \(now 3\)$/,
    );
    const report = JSON.parse(readFileSync(`${out}/${RUN_FILES.report}`, 'utf8'));
    expect(report).toMatchObject({
      epochs: 2,
      steps: 20,
      stopped: expect.stringContaining('epoch 3'),
    });
    const fit = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`).metadata.fit as {
      state: { epoch: number };
    };
    expect(fit.state.epoch).toBe(2);
  });
});
