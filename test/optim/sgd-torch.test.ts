import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  add,
  type DType,
  mean,
  mul,
  neg,
  Parameter,
  pow,
  sub,
  sum,
  type Tensor,
  tensor,
} from '../../src/index.js';
import {
  CosineAnnealingLR,
  type LRScheduler,
  SGD,
  type SGDOptions,
  StepLR,
} from '../../src/optim/index.js';

// Trajectories of torch.optim.SGD written by scripts/torch_fixtures.py (float64 in torch).

interface Values {
  shape: number[];
  values: number[];
}
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

const TOLERANCE: Record<'float32' | 'float64', { rtol: number; atol: number }> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

function load(v: Values, dtype: DType): Tensor {
  return tensor(Float64Array.from(v.values), { shape: v.shape, dtype });
}

/** The fixture's objective: mse of a linear model (X is [N, 1, IN]) plus 0.05·Σ W⁴. */
function objective(W: Tensor, b: Tensor, X: Tensor, Y: Tensor): Tensor {
  const pred = add(sum(mul(X, W), { axis: 2 }), b);
  return add(mean(pow(sub(pred, Y), 2)), mul(sum(pow(W, 4)), 0.05));
}

function makeScheduler(optimizer: SGD, schedule: Schedule): LRScheduler {
  const o = schedule.options;
  return schedule.kind === 'StepLR'
    ? new StepLR(optimizer, { stepSize: o.stepSize as number, gamma: o.gamma })
    : new CosineAnnealingLR(optimizer, { tMax: o.tMax as number, etaMin: o.etaMin });
}

function expectClose(got: Tensor, want: number[], dtype: 'float32' | 'float64', label: string) {
  const { rtol, atol } = TOLERANCE[dtype];
  expect(got.size, label).toBe(want.length);
  want.forEach((w, i) => {
    const g = got.storage[i];
    expect(Math.abs(g - w), `${label}[${i}]: got ${g}, torch ${w}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(w),
    );
  });
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
          expectClose(params[i], want, dtype, `step ${step}, parameter ${i}`);
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
