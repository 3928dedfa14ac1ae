import { ValueError } from '../tensor/errors.js';
import { checkKeys } from './options.js';
import type { HasParamGroups } from './schedule.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': rise (an accuracy). */
  mode?: 'min' | 'max';
  /** The lr is multiplied by this (< 1) when the metric stops improving. */
  factor?: number;
  /** Steps without improvement tolerated before the lr is reduced. */
  patience?: number;
  /** How much better counts as better: relative (rel) or absolute (abs). */
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again. */
  cooldown?: number;
  /** The lr is never reduced below this (one for all groups, or one per group). */
  minLr?: number | number[];
  /** A reduction smaller than this is skipped. */
  eps?: number;
}

export interface PlateauStateDict {
  lastEpoch: number;
  /** The best metric so far; null before the first step. */
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
}

const KEYS = [
  'mode',
  'factor',
  'patience',
  'threshold',
  'thresholdMode',
  'cooldown',
  'minLr',
  'eps',
];

/**
 * torch.optim.lr_scheduler.ReduceLROnPlateau: step(metric) after each evaluation; when the
 * metric has not improved for more than `patience` steps, every group's lr is multiplied by
 * `factor` (not below `minLr`), then `cooldown` steps are ignored.
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  lastEpoch = 0;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;

  constructor(
    readonly optimizer: HasParamGroups,
    options: ReduceLROnPlateauOptions = {},
  ) {
    checkKeys('ReduceLROnPlateau', KEYS, options);
    const {
      mode = 'min',
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = 'rel',
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options;
    if (mode !== 'min' && mode !== 'max') {
      throw new ValueError(`ReduceLROnPlateau: mode must be 'min' or 'max', got ${String(mode)}`);
    }
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ValueError(
        `ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got ${String(thresholdMode)}`,
      );
    }
    if (!(factor < 1))
      throw new ValueError(`ReduceLROnPlateau: factor should be < 1.0, got ${factor}`);
    for (const [name, value] of [
      ['patience', patience],
      ['cooldown', cooldown],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) {
        throw new ValueError(`ReduceLROnPlateau: ${name} must be an integer >= 0, got ${value}`);
      }
    }
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(minLr) && minLr.length !== groups) {
      throw new ValueError(
        `ReduceLROnPlateau: expected ${groups} values for minLr, got ${minLr.length}`,
      );
    }
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(groups).fill(minLr);
    this.eps = eps;
    this.best = this.worst();
  }

  /** Takes the metric of the latest evaluation; reduces the lr when it has stopped improving. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw new ValueError(`ReduceLROnPlateau.step: the metric must be a number, got ${metric}`);
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The counters (the lr itself is the optimizer's, in its own state dict). */
  stateDict(): PlateauStateDict {
    const best = Number.isFinite(this.best) ? this.best : null;
    return {
      lastEpoch: this.lastEpoch,
      best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  loadStateDict(sd: PlateauStateDict): void {
    const counts = [sd?.lastEpoch, sd?.numBadEpochs, sd?.cooldownCounter];
    if (!counts.every((n) => Number.isInteger(n) && (n as number) >= 0)) {
      throw new ValueError(
        'ReduceLROnPlateau.loadStateDict: expected { lastEpoch, best, numBadEpochs, cooldownCounter } from stateDict()',
      );
    }
    this.lastEpoch = sd.lastEpoch;
    this.best = sd.best ?? this.worst();
    this.numBadEpochs = sd.numBadEpochs;
    this.cooldownCounter = sd.cooldownCounter;
  }

  private worst(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') {
      return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    }
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }
}
