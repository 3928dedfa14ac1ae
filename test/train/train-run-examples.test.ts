import { describe, expect, it } from 'vitest';
import { type TrainRunResult, trainRun } from '../../src/train/train-run.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Every example spec is trained here. All but spirals run in full and must reach what
 * docs/training.md promises; spirals (about 30 s) runs a few epochs, its full run is measured by
 * hand (see docs/training.md).
 */
const dir = tempDir('examples');

async function train(spec: string, epochs?: number): Promise<TrainRunResult> {
  return trainRun({ specPath: `specs/${spec}.yaml`, out: dir.join(spec), epochs });
}

const last = (run: TrainRunResult) => run.history[run.history.length - 1];

describe('the example specs', () => {
  it('xor (full run): 100% validation accuracy', async () => {
    const run = await train('xor');
    expect(run.history).toHaveLength(60);
    expect(last(run).valid?.accuracy).toBe(1);
    expect(last(run).train.accuracy).toBe(1);
  });

  it('iris (full run): at least 95% validation accuracy', async () => {
    const run = await train('iris');
    expect(run.history).toHaveLength(100);
    expect(last(run).valid?.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  // About 10 s on one core: the longest test of the suite, kept because it is the proof.
  it('digits (full run): at least 95% validation accuracy', { timeout: 180_000 }, async () => {
    const run = await train('digits');
    expect(run.history).toHaveLength(30);
    expect(run.report.data).toMatchObject({ trainRows: 1438, validRows: 359 });
    expect(last(run).valid?.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('digits-adamw (full run): AdamW, warmup + cosine, clipping; early stopping keeps the best', async () => {
    const run = await train('digits-adamw');
    expect(run.report.stopped).toMatch(/^early stopping: valid.accuracy has not improved for 5/);
    expect(run.best?.value).toBeGreaterThanOrEqual(0.97);
    expect(run.history.length).toBeLessThan(20);
    expect(run.history.every((r) => r.gradNorm !== undefined)).toBe(true);
  });

  it('linear-regression (full run): validation mse near the noise level', async () => {
    const run = await train('linear-regression');
    expect(Object.keys(last(run).valid ?? {})).toEqual(['loss', 'mse', 'mae']);
    expect(last(run).valid?.mse).toBeLessThan(0.02);
    expect(last(run).valid?.mse).toBeLessThan((run.history[0].valid?.mse ?? 0) / 10);
  });

  it('moons (full run): at least 95% validation accuracy', async () => {
    const run = await train('moons');
    expect(last(run).valid?.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('spirals (5 of 200 epochs): trains, the cosine schedule lowering the lr, the loss falling', async () => {
    const run = await train('spirals', 5);
    const lrs = run.history.map((r) => r.lr);
    expect(lrs[0]).toBe(0.2);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]).toBeLessThan(lrs[i - 1]);
    expect(last(run).train.loss).toBeLessThan(run.history[0].train.loss);
  });
});
