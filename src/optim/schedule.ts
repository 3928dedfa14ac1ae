import { ValueError } from '../tensor/errors.js';
import { checkKeys } from './options.js';

/**
 * What a schedule needs of an optimizer: groups whose lr it can set; OneCycleLR also moves
 * `momentum` (SGD, RMSprop) or the first of `betas` (Adam, AdamW).
 */
export interface HasParamGroups {
  paramGroups: { lr: number; momentum?: number; betas?: readonly [number, number] }[];
}

export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  /** SequentialLR: the state of each of its schedules. */
  schedulers?: SchedulerStateDict[];
}

/**
 * Each group's lr before any schedule touched it (torch's `initial_lr`, set by the first
 * schedule made on an optimizer): a second schedule on the same optimizer, such as the one that
 * follows a warmup, starts from it rather than from the lr the first one set.
 */
const initialLrs = new WeakMap<object, number>();

function initialLr(group: { lr: number }): number {
  let lr = initialLrs.get(group);
  if (lr === undefined) {
    lr = group.lr;
    initialLrs.set(group, lr);
  }
  return lr;
}

/** Sets a group's `initial_lr` (OneCycleLR sets it to max_lr / div_factor, as torch). */
export function setInitialLr(group: { lr: number }, lr: number): void {
  initialLrs.set(group, lr);
}

/**
 * A learning-rate schedule as torch.optim.lr_scheduler: constructing it records each group's
 * initial lr as its base lr and counts as epoch 0; each step() (called after optimizer.step())
 * moves to the next epoch and writes the new lr into every group. The lr is the closed form of
 * the epoch, so it never drifts and a loaded state gives the same lr as an uninterrupted run.
 * A subclass sets its fields, then calls initialStep() (as torch's _initial_step).
 */
export abstract class LRScheduler {
  lastEpoch = -1;
  baseLrs: number[];
  private lastLr: number[] = [];

  constructor(readonly optimizer: HasParamGroups) {
    if (!Array.isArray(optimizer?.paramGroups) || optimizer.paramGroups.length === 0) {
      throw new ValueError(`${new.target.name}: the optimizer has no parameter groups`);
    }
    this.baseLrs = optimizer.paramGroups.map(initialLr);
  }

  /** Each group's lr at `epoch` (from `baseLrs`, the closed form of the schedule). */
  protected abstract lrsAt(epoch: number): number[];

  protected initialStep(): void {
    this.step();
  }

  step(): void {
    this.applyEpoch(this.lastEpoch + 1);
  }

  /**
   * Moves the schedule to `epoch` and sets every group's lr to its value there (SequentialLR
   * moves the schedule in charge; loadStateDict uses it to restore).
   */
  applyEpoch(epoch: number): void {
    this.lastEpoch = epoch;
    this.lastLr = this.lrsAt(epoch);
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lastLr[i];
    });
  }

  /** The lr of each group after the latest step (torch's get_last_lr()). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores the epoch and base lrs and sets the groups' lr (and momentum) to match. */
  loadStateDict(sd: SchedulerStateDict): void {
    const groups = this.optimizer.paramGroups.length;
    if (!Number.isInteger(sd?.lastEpoch) || sd.lastEpoch < 0) {
      throw new ValueError(
        `${this.constructor.name}.loadStateDict: lastEpoch must be an integer >= 0, got ${sd?.lastEpoch}`,
      );
    }
    if (!Array.isArray(sd.baseLrs) || sd.baseLrs.length !== groups) {
      throw new ValueError(
        `${this.constructor.name}.loadStateDict: ${Array.isArray(sd.baseLrs) ? sd.baseLrs.length : 'no'} base lrs for ${groups} parameter groups`,
      );
    }
    this.baseLrs = [...sd.baseLrs];
    this.applyEpoch(sd.lastEpoch);
  }
}

export function wholeAtLeast(owner: string, name: string, value: number, least: number): void {
  if (!Number.isInteger(value) || value < least) {
    throw new ValueError(`${owner}: ${name} must be an integer >= ${least}, got ${value}`);
  }
}

export function finite(owner: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${owner}: ${name} must be a number, got ${value}`);
  }
}

export interface StepLROptions {
  /** Epochs between decays (an integer >= 1). */
  stepSize: number;
  /** The factor of each decay. */
  gamma?: number;
}

/** lr = baseLr · gamma^⌊epoch / stepSize⌋ (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  private readonly stepSize: number;
  private readonly gamma: number;

  constructor(optimizer: HasParamGroups, options: StepLROptions) {
    super(optimizer);
    checkKeys('StepLR', ['stepSize', 'gamma'], options);
    const { stepSize, gamma = 0.1 } = options;
    wholeAtLeast('StepLR', 'stepSize', stepSize, 1);
    finite('StepLR', 'gamma', gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected lrsAt(epoch: number): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

export interface MultiStepLROptions {
  /** Epochs at which the lr is multiplied by gamma (a milestone listed twice counts twice). */
  milestones: number[];
  gamma?: number;
}

/** lr = baseLr · gamma^(milestones reached) (torch.optim.lr_scheduler.MultiStepLR). */
export class MultiStepLR extends LRScheduler {
  private readonly milestones: number[];
  private readonly gamma: number;

  constructor(optimizer: HasParamGroups, options: MultiStepLROptions) {
    super(optimizer);
    checkKeys('MultiStepLR', ['milestones', 'gamma'], options);
    const { milestones, gamma = 0.1 } = options;
    if (!Array.isArray(milestones)) {
      throw new ValueError(`MultiStepLR: milestones must be a list of epochs, got ${milestones}`);
    }
    for (const m of milestones) wholeAtLeast('MultiStepLR', 'each milestone', m, 0);
    finite('MultiStepLR', 'gamma', gamma);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected lrsAt(epoch: number): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** bisectRight(this.milestones, epoch));
  }
}

export interface ExponentialLROptions {
  gamma: number;
}

/** lr = baseLr · gamma^epoch (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  private readonly gamma: number;

  constructor(optimizer: HasParamGroups, options: ExponentialLROptions) {
    super(optimizer);
    checkKeys('ExponentialLR', ['gamma'], options);
    finite('ExponentialLR', 'gamma', options.gamma);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected lrsAt(epoch: number): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** epoch);
  }
}

export interface CosineAnnealingLROptions {
  /** Epochs from the base lr down to etaMin (then back up, as torch's formula goes on). */
  tMax: number;
  etaMin?: number;
}

/**
 * lr = etaMin + (baseLr − etaMin)·(1 + cos(π·epoch / tMax)) / 2, the closed form of
 * torch.optim.lr_scheduler.CosineAnnealingLR (its recursive form agrees to rounding).
 */
export class CosineAnnealingLR extends LRScheduler {
  private readonly tMax: number;
  private readonly etaMin: number;

  constructor(optimizer: HasParamGroups, options: CosineAnnealingLROptions) {
    super(optimizer);
    checkKeys('CosineAnnealingLR', ['tMax', 'etaMin'], options);
    const { tMax, etaMin = 0 } = options;
    if (!(tMax > 0)) throw new ValueError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}`);
    finite('CosineAnnealingLR', 'etaMin', etaMin);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected lrsAt(epoch: number): number[] {
    const { etaMin, tMax } = this;
    return this.baseLrs.map(
      (base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2,
    );
  }
}

export interface LinearLROptions {
  /** The factor of the first epoch, in (0, 1] (torch's default 1/3). */
  startFactor?: number;
  /** The factor from `totalIters` on, in [0, 1]. */
  endFactor?: number;
  /** Epochs from startFactor to endFactor (torch's default 5). */
  totalIters?: number;
}

/**
 * lr = baseLr · (startFactor + (endFactor − startFactor)·min(epoch, totalIters) / totalIters)
 * (torch.optim.lr_scheduler.LinearLR; a spec's `warmup`).
 */
export class LinearLR extends LRScheduler {
  private readonly startFactor: number;
  private readonly endFactor: number;
  private readonly totalIters: number;

  constructor(optimizer: HasParamGroups, options: LinearLROptions = {}) {
    super(optimizer);
    checkKeys('LinearLR', ['startFactor', 'endFactor', 'totalIters'], options);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new ValueError(
        `LinearLR: startFactor must be greater than 0 and at most 1, got ${startFactor}`,
      );
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new ValueError(`LinearLR: endFactor must be between 0 and 1, got ${endFactor}`);
    }
    wholeAtLeast('LinearLR', 'totalIters', totalIters, 1);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected lrsAt(epoch: number): number[] {
    const { startFactor, endFactor, totalIters } = this;
    const factor =
      startFactor + ((endFactor - startFactor) * Math.min(totalIters, epoch)) / totalIters;
    return this.baseLrs.map((base) => base * factor);
  }
}

/** How many of the sorted `values` are <= x (Python's bisect_right). */
export function bisectRight(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < values[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
