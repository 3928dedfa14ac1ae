import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Parameter } from '../../src/index.js';
import { SGD } from '../../src/optim/index.js';
import type { ScheduleSpec } from '../../src/spec/types.js';
import type { EpochRecord } from '../../src/train/fit.js';
import { RunSchedule } from '../../src/train/run-schedule.js';
import { finishTrain, type ResolvedTrain } from '../../src/train/train-config.js';

// The spec's schedules, built as the trainer builds them (finishTrain + RunSchedule), against the
// lr sequences torch gives for the same composition (scripts/torch_optim_fixtures.py).

interface LrSequence {
  name: string;
  baseLrs: number[];
  lrs: number[][];
  metrics?: number[];
}
const fixture: { schedules: LrSequence[] } = JSON.parse(
  readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8'),
);
const sequence = (name: string) => {
  const found = fixture.schedules.find((s) => s.name === name);
  if (!found) throw new Error(`no fixture '${name}'`);
  return found;
};

/** A 20-epoch run of one step per epoch with `schedule`, its lrs after each evaluation. */
function lrs(schedule: ScheduleSpec, s: LrSequence): number[][] {
  const train = {
    optimizer: { sgd: { lr: s.baseLrs[0] } },
    epochs: 20,
    schedule,
  } as unknown as ResolvedTrain;
  const finished = finishTrain(train, { stepsPerEpoch: 1, hasValidation: true });
  const optimizer = new SGD(
    s.baseLrs.map((lr) => ({ params: [new Parameter([0])], lr })),
    { lr: s.baseLrs[0] },
  );
  const run = new RunSchedule(optimizer, finished.schedule as ScheduleSpec);
  return s.lrs.map((_, i) => {
    run.afterStep();
    const record = { valid: { loss: s.metrics?.[i] ?? 0 } } as unknown as EpochRecord;
    run.afterEvaluation(record);
    return optimizer.paramGroups.map((g) => g.lr);
  });
}

function expectLrs(got: number[][], want: number[][]): void {
  want.forEach((row, i) => {
    row.forEach((w, g) => {
      expect(
        Math.abs(got[i][g] - w),
        `epoch ${i + 1}, group ${g}: ${got[i][g]} vs ${w}`,
      ).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(w)));
    });
  });
}

describe("a spec's warmup in front of a schedule equals torch's SequentialLR([LinearLR, ...])", () => {
  it.each<[string, ScheduleSpec]>([
    [
      'warmup 5 steps (startFactor 0.1) + cosine over the other 15',
      { cosine: { eta_min: 0.001 }, warmup: { epochs: 5, start_factor: 0.1 } },
    ],
    [
      "warmup 4 (torch's startFactor 1/3) + StepLR",
      { step: { step_size: 4, gamma: 0.5 }, warmup: { epochs: 4 } },
    ],
    [
      'warmup 3 + MultiStepLR',
      { multistep: { milestones: [5, 10] }, warmup: { epochs: 3, start_factor: 0.01 } },
    ],
    [
      'warmup 6 + ExponentialLR',
      { exponential: { gamma: 0.8 }, warmup: { epochs: 6, start_factor: 0.5 } },
    ],
    ['warmup 5 then constant', { warmup: { epochs: 5, start_factor: 0.2 } }],
    [
      'warmup 4 + ReduceLROnPlateau',
      {
        reduce_on_plateau: { patience: 1, factor: 0.5 },
        warmup: { epochs: 4, start_factor: 0.25 },
      },
    ],
  ])('%s', (name, schedule) => {
    const s = sequence(name);
    expectLrs(lrs(schedule, s), s.lrs);
  });

  it('and the main schedule runs over what is left of the run after the warmup', () => {
    const train = {
      optimizer: { sgd: { lr: 1 } },
      epochs: 3,
      schedule: {},
    } as unknown as ResolvedTrain;
    const finish = (schedule: ScheduleSpec, stepsPerEpoch = 10) =>
      finishTrain({ ...train, schedule }, { stepsPerEpoch, hasValidation: false }).schedule;
    expect(finish({ cosine: {}, warmup: { steps: 5 } })).toEqual({
      warmup: { steps: 5, start_factor: 1 / 3 },
      cosine: { t_max: 25, eta_min: 0 },
      interval: 'step',
    });
    expect(finish({ cosine: {}, warmup: { epochs: 1 }, interval: 'step' })).toMatchObject({
      warmup: { steps: 10 },
      cosine: { t_max: 20 },
    });
    expect(finish({ cosine: {}, warmup: { epochs: 1 } })).toMatchObject({
      warmup: { epochs: 1 },
      cosine: { t_max: 2 },
      interval: 'epoch',
    });
    expect(finish({ onecycle: {} })).toMatchObject({
      onecycle: { max_lr: 1, total_steps: 30, pct_start: 0.3 },
      interval: 'step',
    });
    expect(finish({ reduce_on_plateau: {} })).toMatchObject({
      reduce_on_plateau: { metric: 'train.loss', mode: 'min', patience: 10 },
    });
  });
});
