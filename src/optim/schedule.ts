import { ValueError } from '../tensor/errors.js';

/** What a schedule needs of an optimizer: groups whose lr it can set (SGD has them). */
export interface HasParamGroups {
  paramGroups: { lr: number }[];
}

export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
}

/**
 * A learning-rate schedule as torch.optim.lr_scheduler: constructing it records each group's lr
 * as its base lr and counts as step 0; each step() (called after optimizer.step()) moves to the
 * next epoch and writes the new lr into every group. The lr is the closed form of the epoch, so
 * it never drifts and a loaded state gives the same lr as an uninterrupted run.
 */
export class LRScheduler {
  lastEpoch = -1;
  baseLrs: number[];
  private lastLr: number[] = [];

  constructor(
    readonly optimizer: HasParamGroups,
    private readonly lrAt: (baseLr: number, epoch: number) => number,
  ) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.step();
  }

  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  /** The lr of each group after the latest step (torch's get_last_lr()). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores the epoch and base lrs and sets the groups' lr to match. */
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
    this.lastEpoch = sd.lastEpoch;
    this.baseLrs = [...sd.baseLrs];
    this.apply();
  }

  private apply(): void {
    this.lastLr = this.baseLrs.map((base) => this.lrAt(base, this.lastEpoch));
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lastLr[i];
    });
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
  constructor(optimizer: HasParamGroups, options: StepLROptions) {
    const { stepSize, gamma = 0.1 } = options;
    if (!Number.isInteger(stepSize) || stepSize < 1) {
      throw new ValueError(`StepLR: stepSize must be an integer >= 1, got ${stepSize}`);
    }
    if (!Number.isFinite(gamma))
      throw new ValueError(`StepLR: gamma must be a number, got ${gamma}`);
    super(optimizer, (base, epoch) => base * gamma ** Math.floor(epoch / stepSize));
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
  constructor(optimizer: HasParamGroups, options: CosineAnnealingLROptions) {
    const { tMax, etaMin = 0 } = options;
    if (!(tMax > 0)) throw new ValueError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}`);
    if (!Number.isFinite(etaMin)) {
      throw new ValueError(`CosineAnnealingLR: etaMin must be a number, got ${etaMin}`);
    }
    super(
      optimizer,
      (base, epoch) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2,
    );
  }
}
