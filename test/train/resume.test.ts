import { appendFileSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('resume');

/** Everything that changes from step to step: dropout, momentum, a cosine schedule, shuffling. */
const SPEC = flowersSpec(dir.path, 'busy.yaml', [
  ['    - relu\n', '    - relu\n    - dropout: 0.3\n'],
  ['  epochs: 40', '  epochs: 4\n  schedule: { cosine: { eta_min: 0.01 } }'],
]);

/** The weights of a run folder's checkpoint, as bytes. */
function weightBytes(runDir: string): Record<string, number[]> {
  const { weights } = loadCheckpoint(`${runDir}/${RUN_FILES.checkpoint}`);
  return Object.fromEntries(
    Object.entries(weights).map(([name, t]) => [
      name,
      Array.from(new Uint8Array(Float32Array.from(t.storage).buffer)),
    ]),
  );
}

const metrics = (runDir: string) => readFileSync(`${runDir}/${RUN_FILES.metrics}`, 'utf8');

/** A run stopped after `steps` steps (as Ctrl-C does), then resumed to the end. */
async function interruptedRun(name: string, steps: number, spec = SPEC): Promise<string> {
  const out = dir.join(name);
  let seen = 0;
  const first = await trainRun({
    specPath: spec,
    out,
    onStep: () => seen++,
    shouldStop: () => seen >= steps,
  });
  expect(first.interrupted).toBe(true);
  expect(first.report.steps).toBe(steps);
  const second = await trainRun({ specPath: spec, resume: out });
  expect(second.interrupted).toBe(false);
  return out;
}

describe('--resume', () => {
  const straight = dir.join('straight');

  it('ends with weights and metrics bit-identical to an uninterrupted run (mid-epoch stop)', async () => {
    await trainRun({ specPath: SPEC, out: straight });
    // 27 training rows in batches of 8: 4 steps per epoch; stop in the middle of epoch 2.
    const out = await interruptedRun('mid', 6);
    expect(weightBytes(out)).toEqual(weightBytes(straight));
    expect(metrics(out)).toBe(metrics(straight));
  });

  it('also from a stop after the first step and from a stop on an epoch boundary', async () => {
    for (const [name, steps] of [
      ['first-step', 1],
      ['boundary', 8],
    ] as const) {
      const out = await interruptedRun(name, steps);
      expect(weightBytes(out)).toEqual(weightBytes(straight));
      expect(metrics(out)).toBe(metrics(straight));
    }
  });

  it('and when stopped twice', async () => {
    const out = dir.join('twice');
    let seen = 0;
    const stopAt = (n: number) => () => seen >= n;
    const count = () => seen++;
    await trainRun({ specPath: SPEC, out, onStep: count, shouldStop: stopAt(3) });
    await trainRun({ specPath: SPEC, resume: out, onStep: count, shouldStop: stopAt(10) });
    await trainRun({ specPath: SPEC, resume: out });
    expect(weightBytes(out)).toEqual(weightBytes(straight));
    expect(metrics(out)).toBe(metrics(straight));
  });

  it('with --epochs goes on past the planned end, as one longer run would', async () => {
    const plain = flowersSpec(dir.path, 'plain.yaml', [['  epochs: 40', '  epochs: 2']]);
    const long = dir.join('long');
    await trainRun({ specPath: plain, out: long, epochs: 5 });
    const extended = dir.join('extended');
    await trainRun({ specPath: plain, out: extended });
    const more = await trainRun({ specPath: plain, resume: extended, epochs: 5 });
    expect(more.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(weightBytes(extended)).toEqual(weightBytes(long));
    expect(metrics(extended)).toBe(metrics(long));
  });

  it('drops metrics lines written after the checkpoint (a crash between the two writes)', async () => {
    const out = dir.join('crash');
    let seen = 0;
    await trainRun({
      specPath: SPEC,
      out,
      onStep: () => seen++,
      shouldStop: () => seen >= 5,
    });
    appendFileSync(`${out}/${RUN_FILES.metrics}`, '{"epoch":2,"step":8,"stale":true}\n');
    await trainRun({ specPath: SPEC, resume: out });
    expect(metrics(out)).toBe(metrics(straight));
  });

  it('refuses options that would change the run, naming them', async () => {
    await expect(trainRun({ specPath: SPEC, resume: straight, lr: 0.1, seed: 2 })).rejects.toThrow(
      '--resume continues a run with the settings it was started with; --lr, --seed cannot be changed (only --epochs or --max-steps can); start a new run to change them',
    );
  });

  it('of a folder that does not exist, or holds no checkpoint, is a clear error', async () => {
    await expect(trainRun({ specPath: SPEC, resume: dir.join('nowhere') })).rejects.toThrow(
      /--resume .*nowhere: no such run folder/,
    );
    await expect(trainRun({ specPath: SPEC, resume: dir.path })).rejects.toThrow(
      /checkpoint\.safetensors: no such checkpoint file/,
    );
  });
});
