import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { neg, Parameter } from '../../src/index.js';
import {
  CosineAnnealingLR,
  type LRScheduler,
  SGD,
  type SGDOptions,
  StepLR,
} from '../../src/optim/index.js';
import { expectClose, load, objective, type Values } from '../helpers/optimizing.js';

// Trajectories of torch.optim.SGD written by scripts/torch_fixtures.py (float64 in torch).

interface Schedule {
  kind: 'StepLR' | 'CosineAnnealingLR';
  options: { stepSize?: number; gamma?: number; tMax?: number; etaMin?: number };
}
interface Run {
  name: string;
  defaults: SGDOptions;
  groups: { params: number[]; options?: SGDOptions }[];
  negate: boolean;
  dropGrad?: { param: number; steps: number[] };
  schedule?: Schedule;
  trajectory: number[][][];
}
interface SGDFixture {
  data: { X: Values; Y: Values };
  init: Values[];
  runs: Run[];
  schedules: (Schedule & { name: string; baseLrs: number[]; lrs: number[][] })[];
}

const fixture: SGDFixture = JSON.parse(
  readFileSync(new URL('../fixtures/sgd.json', import.meta.url), 'utf8'),
);

function makeScheduler(optimizer: SGD, schedule: Schedule): LRScheduler {
  const o = schedule.options;
  return schedule.kind === 'StepLR'
    ? new StepLR(optimizer, { stepSize: o.stepSize as number, gamma: o.gamma })
    : new CosineAnnealingLR(optimizer, { tMax: o.tMax as number, etaMin: o.etaMin });
}

describe.each(['float64', 'float32'] as const)('SGD against torch.optim.SGD (%s)', (dtype) => {
  for (const run of fixture.runs) {
    it(run.name, () => {
      const X = load(fixture.data.X, dtype);
      const Y = load(fixture.data.Y, dtype);
      const params = fixture.init.map((v) => new Parameter(load(v, dtype)));
      const optimizer = new SGD(
        run.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })),
        run.defaults,
      );
      const scheduler = run.schedule && makeScheduler(optimizer, run.schedule);
      run.trajectory.forEach((expected, step) => {
        optimizer.zeroGrad();
        const loss = objective(params[0], params[1], X, Y);
        (run.negate ? neg(loss) : loss).backward();
        if (run.dropGrad?.steps.includes(step)) params[run.dropGrad.param].grad = null;
        optimizer.step();
        scheduler?.step();
        expected.forEach((want, i) => {
          expectClose(params[i].storage, want, dtype, `step ${step}, parameter ${i}`);
        });
      });
    });
  }
});

describe('lr schedules against torch.optim.lr_scheduler', () => {
  for (const s of fixture.schedules) {
    it(s.name, () => {
      const optimizer = new SGD(
        s.baseLrs.map((lr) => ({ params: [new Parameter([0])], lr })),
        { lr: s.baseLrs[0] },
      );
      const scheduler = makeScheduler(optimizer, s);
      expect(scheduler.getLastLr()).toEqual(s.baseLrs);
      s.lrs.forEach((want, epoch) => {
        optimizer.step();
        scheduler.step();
        const got = scheduler.getLastLr();
        expect(optimizer.paramGroups.map((g) => g.lr)).toEqual(got);
        want.forEach((w, i) => {
          expect(got[i], `epoch ${epoch + 1}, group ${i}`).toBeCloseTo(w, 14);
        });
      });
    });
  }
});
