import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { neg, Parameter, type Tensor, tensor } from '../../src/index.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/clip.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  OneCycleLR,
  OPTIMIZERS,
  type Optimizer,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
} from '../../src/optim/index.js';
import { expectClose, load, objective, type Values } from '../helpers/optimizing.js';

// Trajectories, clipping and lr sequences of torch.optim written by
// scripts/torch_optim_fixtures.py (float64 in torch).

type Options = Record<string, unknown>;
interface Schedule {
  kind: string;
  options?: Options;
  schedulers?: Schedule[];
  milestones?: number[];
  warmup?: { steps: number; startFactor: number };
}
interface Run {
  name: string;
  optimizer: string;
  defaults: Options;
  groups: { params: number[]; options?: Options }[];
  negate: boolean;
  dropGrad?: { param: number; steps: number[] };
  clip?: { maxNorm?: number; normType?: number | string; value?: number };
  norms?: number[];
  schedule?: Schedule;
  trajectory: number[][][];
}
interface ClipCase {
  name: string;
  kind: 'norm' | 'value';
  maxNorm?: number;
  normType?: number | string;
  value?: number;
  grads: (Values | null)[];
  norm?: number;
  clipped: (number[] | null)[];
}
interface LrSequence {
  name: string;
  schedule: Schedule;
  optimizer: string;
  defaults: Options;
  baseLrs: number[];
  lrs: number[][];
  metrics?: number[];
  momenta?: number[][];
}
interface Fixture {
  data: { X: Values; Y: Values };
  init: Values[];
  runs: Run[];
  clipping: ClipCase[];
  schedules: LrSequence[];
}

const fixture: Fixture = JSON.parse(
  readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8'),
);

/** The optimizer class named as torch's, from the registry. */
function makeOptimizer(name: string, groups: { params: Tensor[] }[], defaults: Options): Optimizer {
  const definition = OPTIMIZERS.find((d) => d.className === name);
  if (!definition) throw new Error(`no optimizer ${name} in the registry`);
  return definition.create(groups, defaults as never);
}

function makeSchedule(optimizer: Optimizer, s: Schedule): LRScheduler {
  const o = (s.options ?? {}) as never;
  switch (s.kind) {
    case 'StepLR':
      return new StepLR(optimizer, o);
    case 'MultiStepLR':
      return new MultiStepLR(optimizer, o);
    case 'ExponentialLR':
      return new ExponentialLR(optimizer, o);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(optimizer, o);
    case 'LinearLR':
      return new LinearLR(optimizer, o);
    case 'OneCycleLR':
      return new OneCycleLR(optimizer, o);
    case 'SequentialLR':
      return new SequentialLR(optimizer, {
        schedulers: (s.schedulers ?? []).map((child) => makeSchedule(optimizer, child)),
        milestones: s.milestones ?? [],
      });
    default:
      throw new Error(`no schedule ${s.kind}`);
  }
}

describe.each(['float64', 'float32'] as const)('optimizers against torch.optim (%s)', (dtype) => {
  for (const run of fixture.runs) {
    it(run.name, () => {
      const X = load(fixture.data.X, dtype);
      const Y = load(fixture.data.Y, dtype);
      const params = fixture.init.map((v) => new Parameter(load(v, dtype)));
      const optimizer = makeOptimizer(
        run.optimizer,
        run.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })),
        run.defaults,
      );
      const scheduler = run.schedule && makeSchedule(optimizer, run.schedule);
      run.trajectory.forEach((expected, step) => {
        optimizer.zeroGrad();
        const loss = objective(params[0], params[1], X, Y);
        (run.negate ? neg(loss) : loss).backward();
        if (run.dropGrad?.steps.includes(step)) params[run.dropGrad.param].grad = null;
        if (run.clip?.maxNorm !== undefined) {
          const norm = clipGradNorm(params, run.clip.maxNorm, Number(run.clip.normType ?? 2));
          expectClose([norm], [run.norms?.[step] as number], dtype, `norm at step ${step}`);
        } else if (run.clip?.value !== undefined) {
          clipGradValue(params, run.clip.value);
        }
        optimizer.step();
        scheduler?.step();
        expected.forEach((want, i) => {
          expectClose(params[i].storage, want, dtype, `step ${step}, parameter ${i}`);
        });
      });
    });
  }
});

describe('clipping against torch.nn.utils', () => {
  for (const c of fixture.clipping) {
    it(c.name, () => {
      const params = c.grads.map((g) => {
        const p = new Parameter(
          tensor(new Float64Array(g ? g.values.length : 2), { shape: g?.shape ?? [2] }),
        );
        p.grad = g ? load(g, 'float64') : null;
        return p;
      });
      if (c.kind === 'norm') {
        const norm = clipGradNorm(params, c.maxNorm as number, Number(c.normType ?? 2));
        expect(norm).toBeCloseTo(c.norm as number, 12);
      } else {
        clipGradValue(params, c.value as number);
      }
      c.clipped.forEach((want, i) => {
        if (want === null) expect(params[i].grad).toBeNull();
        else
          expectClose(params[i].grad?.storage as ArrayLike<number>, want, 'float64', `grad ${i}`);
      });
    });
  }
});

describe('lr schedules against torch.optim.lr_scheduler', () => {
  for (const s of fixture.schedules) {
    it(s.name, () => {
      const optimizer = makeOptimizer(
        s.optimizer,
        s.baseLrs.map((lr) => ({ params: [new Parameter([0])], lr })),
        s.defaults,
      );
      let next: (i: number) => void;
      if (s.schedule.kind === 'ReduceLROnPlateau') {
        const plateau = new ReduceLROnPlateau(optimizer, s.schedule.options as never);
        next = (i) => plateau.step(s.metrics?.[i] as number);
      } else if (s.schedule.kind === 'warmup+ReduceLROnPlateau') {
        const { steps, startFactor } = s.schedule.warmup as { steps: number; startFactor: number };
        const warmup = new LinearLR(optimizer, { startFactor, totalIters: steps });
        const plateau = new ReduceLROnPlateau(optimizer, s.schedule.options as never);
        next = (i) => (i < steps ? warmup.step() : plateau.step(s.metrics?.[i] as number));
      } else {
        const scheduler = makeSchedule(optimizer, s.schedule);
        expect(scheduler).toBeInstanceOf(LRScheduler);
        next = () => scheduler.step();
      }
      s.lrs.forEach((want, i) => {
        optimizer.step();
        next(i);
        const got = optimizer.paramGroups.map((g) => g.lr);
        want.forEach((w, g) => {
          expect(
            Math.abs(got[g] - w),
            `step ${i + 1}, group ${g}: ${got[g]} vs ${w}`,
          ).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(w)));
        });
        s.momenta?.[i].forEach((w, g) => {
          const group = optimizer.paramGroups[g] as { momentum?: number; betas?: number[] };
          const m = group.betas ? group.betas[0] : group.momentum;
          expect(m, `momentum at step ${i + 1}, group ${g}`).toBeCloseTo(w, 14);
        });
      });
    });
  }
});
