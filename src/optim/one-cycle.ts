import { ValueError } from '../tensor/errors.js';
import { checkKeys } from './options.js';
import { type HasParamGroups, LRScheduler, setInitialLr, wholeAtLeast } from './schedule.js';

export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  maxLr: number | number[];
  /** Steps of the whole cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Move momentum (or Adam's β1) against the lr, between baseMomentum and maxMomentum. */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** The first lr is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The last lr is maxLr / divFactor / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the first lr, then to the last) instead of two. */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: 'initial' | 'max' | 'min';
  endLr: 'initial' | 'max' | 'min';
  startMomentum: 'base' | 'max';
  endMomentum: 'base' | 'max';
}

const KEYS = [
  'maxLr',
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
];

/**
 * The 1cycle policy of torch.optim.lr_scheduler.OneCycleLR, stepped once per batch: the lr
 * rises from maxLr/divFactor to maxLr over pctStart of the steps, then anneals to
 * maxLr/divFactor/finalDivFactor; momentum (SGD, RMSprop) or β1 (Adam, AdamW) moves the other
 * way, as torch does. Stepping past totalSteps is an error, as in torch.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly lrs: { initial: number; max: number; min: number }[];
  private readonly momenta: { base: number; max: number }[] | null;
  private readonly useBeta1: boolean;

  constructor(optimizer: HasParamGroups, options: OneCycleLROptions) {
    super(optimizer);
    checkKeys('OneCycleLR', KEYS, options);
    const {
      maxLr,
      totalSteps,
      epochs,
      stepsPerEpoch,
      pctStart = 0.3,
      annealStrategy = 'cos',
      cycleMomentum = true,
      baseMomentum = 0.85,
      maxMomentum = 0.95,
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
    } = options;
    const groups = optimizer.paramGroups;
    if (totalSteps !== undefined) {
      wholeAtLeast('OneCycleLR', 'totalSteps', totalSteps, 1);
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      wholeAtLeast('OneCycleLR', 'epochs', epochs, 1);
      wholeAtLeast('OneCycleLR', 'stepsPerEpoch', stepsPerEpoch, 1);
      this.totalSteps = epochs * stepsPerEpoch;
    } else {
      throw new ValueError('OneCycleLR: give either totalSteps, or epochs and stepsPerEpoch');
    }
    if (!(pctStart >= 0 && pctStart <= 1)) {
      throw new ValueError(`OneCycleLR: pctStart must be between 0 and 1, got ${pctStart}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new ValueError(
        `OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${String(annealStrategy)}`,
      );
    }
    const total = this.totalSteps;
    this.phases = threePhase
      ? [
          {
            endStep: pctStart * total - 1,
            startLr: 'initial',
            endLr: 'max',
            startMomentum: 'max',
            endMomentum: 'base',
          },
          {
            endStep: 2 * pctStart * total - 2,
            startLr: 'max',
            endLr: 'initial',
            startMomentum: 'base',
            endMomentum: 'max',
          },
          {
            endStep: total - 1,
            startLr: 'initial',
            endLr: 'min',
            startMomentum: 'max',
            endMomentum: 'max',
          },
        ]
      : [
          {
            endStep: pctStart * total - 1,
            startLr: 'initial',
            endLr: 'max',
            startMomentum: 'max',
            endMomentum: 'base',
          },
          {
            endStep: total - 1,
            startLr: 'max',
            endLr: 'min',
            startMomentum: 'base',
            endMomentum: 'max',
          },
        ];
    this.anneal = annealStrategy === 'cos' ? annealCos : annealLinear;
    const maxLrs = perGroup('maxLr', maxLr, groups.length);
    this.lrs = maxLrs.map((max) => {
      const initial = max / divFactor;
      return { initial, max, min: initial / finalDivFactor };
    });
    groups.forEach((g, i) => {
      setInitialLr(g, this.lrs[i].initial);
    });
    this.baseLrs = this.lrs.map((l) => l.initial);
    this.useBeta1 = groups[0].betas !== undefined;
    this.momenta = null;
    if (cycleMomentum) {
      if (groups[0].momentum === undefined && groups[0].betas === undefined) {
        throw new ValueError(
          'OneCycleLR: the optimizer has no momentum or betas to cycle; give cycleMomentum: false',
        );
      }
      const maxes = perGroup('maxMomentum', maxMomentum, groups.length);
      const bases = perGroup('baseMomentum', baseMomentum, groups.length);
      this.momenta = maxes.map((max, i) => ({ base: bases[i], max }));
    }
    this.initialStep();
  }

  protected lrsAt(epoch: number): number[] {
    return this.lrs.map((_, i) => this.at(epoch, i).lr);
  }

  override applyEpoch(epoch: number): void {
    if (epoch > this.totalSteps) {
      throw new ValueError(
        `OneCycleLR: tried to step ${epoch + 1} times; the cycle has ${this.totalSteps} steps`,
      );
    }
    super.applyEpoch(epoch);
    if (this.momenta === null) return;
    this.optimizer.paramGroups.forEach((g, i) => {
      const m = this.at(epoch, i).momentum as number;
      if (this.useBeta1) g.betas = [m, (g.betas as readonly [number, number])[1]];
      else g.momentum = m;
    });
  }

  /** torch's get_lr for one group: the phase the step is in, and the point within it. */
  private at(step: number, group: number): { lr: number; momentum?: number } {
    const lrs = this.lrs[group];
    const momenta = this.momenta?.[group];
    let startStep = 0;
    for (const [i, phase] of this.phases.entries()) {
      const { endStep } = phase;
      if (step <= endStep || i === this.phases.length - 1) {
        const pct = (step - startStep) / (endStep - startStep);
        return {
          lr: this.anneal(lrs[phase.startLr], lrs[phase.endLr], pct),
          ...(momenta
            ? {
                momentum: this.anneal(
                  momenta[phase.startMomentum],
                  momenta[phase.endMomentum],
                  pct,
                ),
              }
            : {}),
        };
      }
      startStep = endStep;
    }
    throw new Error('unreachable: the last phase always matches');
  }
}

function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

function perGroup(name: string, value: number | number[], groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) {
      throw new ValueError(
        `OneCycleLR: expected ${groups} values for ${name}, got ${value.length}`,
      );
    }
    return [...value];
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`OneCycleLR: ${name} must be a number, got ${String(value)}`);
  }
  return new Array<number>(groups).fill(value);
}
