import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('resume-recipes');

/** The checkpoint's weights and optimizer tensors, as bytes. */
function checkpointBytes(runDir: string): Record<string, number[]> {
  const { weights, metadata } = loadCheckpoint(`${runDir}/${RUN_FILES.checkpoint}`);
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(weights)) {
    out[name] = Array.from(new Uint8Array(Float32Array.from(t.storage).buffer));
  }
  for (const [index, state] of Object.entries(metadata.optimizer?.state ?? {})) {
    for (const [name, value] of Object.entries(state)) {
      out[`${index}/${name}`] =
        typeof value === 'number' || value === null
          ? [value ?? -1]
          : Array.from(new Uint8Array(Float32Array.from(value.storage).buffer));
    }
  }
  return out;
}

const metrics = (runDir: string) => readFileSync(`${runDir}/${RUN_FILES.metrics}`, 'utf8');

/**
 * A run of `spec` stopped after `batches` batches (as Ctrl-C does), then resumed to the end,
 * against one that was not stopped: same weights, optimizer state and metrics, bit for bit.
 */
async function expectResumeIdentical(name: string, edits: [string, string][], batches: number[]) {
  const spec = flowersSpec(dir.path, `${name}.yaml`, [
    ['    - relu\n', '    - relu\n    - dropout: 0.3\n'],
    ...edits,
  ]);
  const straight = dir.join(`${name}-straight`);
  await trainRun({ specPath: spec, out: straight });
  for (const stop of batches) {
    const out = dir.join(`${name}-${stop}`);
    let seen = 0;
    const first = await trainRun({
      specPath: spec,
      out,
      onStep: () => seen++,
      shouldStop: () => seen >= stop,
    });
    expect(first.interrupted).toBe(true);
    await trainRun({ specPath: spec, resume: out });
    expect(checkpointBytes(out), `stopped after ${stop} batches`).toEqual(
      checkpointBytes(straight),
    );
    expect(metrics(out)).toBe(metrics(straight));
  }
}

const optimizer = (text: string): [string, string] => [
  '  optimizer: { sgd: { lr: 0.2, momentum: 0.9 } }',
  `  optimizer: ${text}`,
];
const length = (text: string): [string, string] => ['  epochs: 40', text];

describe('--resume is bit-identical', () => {
  it.each([
    ['adam', '{ adam: { lr: 0.01, amsgrad: true, weight_decay: 0.01 } }'],
    ['adamw', '{ adamw: { lr: 0.01 } }'],
    ['rmsprop', '{ rmsprop: { lr: 0.01, momentum: 0.5, centered: true } }'],
    ['adagrad', '{ adagrad: { lr: 0.1, lr_decay: 0.01 } }'],
    ['adadelta', '{ adadelta: {} }'],
  ])('for %s', async (name, text) => {
    await expectResumeIdentical(name, [optimizer(text), length('  epochs: 3')], [5]);
  });

  it.each([
    ['step', '{step: {step_size: 1, gamma: 0.5}}'],
    ['multistep', '{multistep: {milestones: [2, 5]}, interval: step}'],
    ['exponential', '{exponential: {gamma: 0.9}, warmup: {epochs: 1}}'],
    [
      'warmup-cosine',
      '{cosine: {eta_min: 0.01}, warmup: {steps: 3, start_factor: 0.1}, interval: step}',
    ],
    ['onecycle', '{onecycle: {max_lr: 0.5}}'],
    // mode max on a falling loss: every evaluation after the first is a plateau.
    ['plateau', '{reduce_on_plateau: {mode: max, patience: 0, factor: 0.5}, warmup: {epochs: 1}}'],
  ])('for the %s schedule', async (name, text) => {
    await expectResumeIdentical(name, [length(`  epochs: 3\n  schedule: ${text}`)], [6]);
  });

  it('when stopped between the batches of an accumulated step, and with max_steps', async () => {
    await expectResumeIdentical(
      'accumulate',
      [length('  max_steps: 5\n  eval_every: 2\n  accumulate: 3\n  clip_grad_norm: 0.5')],
      // After 4 batches one is summed towards step 2; after 8, two towards step 3.
      [4, 8],
    );
  });

  it('with early stopping under way', async () => {
    await expectResumeIdentical(
      'early',
      [length('  epochs: 8\n  early_stopping: {metric: train.loss, patience: 1, min_delta: 0.05}')],
      [9],
    );
  });
});
