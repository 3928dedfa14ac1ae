import { OneCycleLR } from '../optim/one-cycle.js';
import type { Optimizer } from '../optim/optimizer.js';
import { type PlateauStateDict, ReduceLROnPlateau } from '../optim/plateau.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  type SchedulerStateDict,
  StepLR,
} from '../optim/schedule.js';
import { SequentialLR } from '../optim/sequential.js';
import type { MonitoredMetric, ScheduleSpec } from '../spec/types.js';
import { type EpochRecord, type FitSchedule, metricOf, TrainingError } from './fit.js';

/** What a checkpoint keeps of a run's schedule. */
export interface RunScheduleState {
  scheduler?: SchedulerStateDict;
  plateau?: PlateauStateDict;
}

/** The main schedule a finished `schedule` section names, or null (warmup alone, plateau). */
function mainScheduler(optimizer: Optimizer, s: ScheduleSpec): LRScheduler | null {
  if (s.step) return new StepLR(optimizer, { stepSize: s.step.step_size, gamma: s.step.gamma });
  if (s.multistep) {
    return new MultiStepLR(optimizer, {
      milestones: s.multistep.milestones,
      gamma: s.multistep.gamma,
    });
  }
  if (s.exponential) return new ExponentialLR(optimizer, { gamma: s.exponential.gamma });
  if (s.cosine) {
    return new CosineAnnealingLR(optimizer, {
      tMax: s.cosine.t_max as number,
      etaMin: s.cosine.eta_min,
    });
  }
  if (s.onecycle) {
    const o = s.onecycle;
    return new OneCycleLR(optimizer, {
      maxLr: o.max_lr as number | number[],
      totalSteps: o.total_steps as number,
      pctStart: o.pct_start,
      annealStrategy: o.anneal_strategy,
      cycleMomentum: o.cycle_momentum,
      baseMomentum: o.base_momentum,
      maxMomentum: o.max_momentum,
      divFactor: o.div_factor,
      finalDivFactor: o.final_div_factor,
      threePhase: o.three_phase,
    });
  }
  return null;
}

/**
 * A spec's `schedule` (finished by finishTrain) on an optimizer, as fit drives it: the warmup is
 * SequentialLR([LinearLR, main], [warmup]), stepped per `interval`; reduce_on_plateau takes its
 * metric after each evaluation once the warmup is over (torch's SequentialLR cannot hold it, so
 * the two take turns here).
 */
export class RunSchedule implements FitSchedule {
  readonly interval: 'epoch' | 'step';
  private readonly scheduler: LRScheduler | null;
  private readonly plateau: ReduceLROnPlateau | null;
  private readonly monitor: MonitoredMetric | null;
  private readonly warmup: LinearLR | null;
  private readonly warmupLength: number;

  constructor(optimizer: Optimizer, schedule: ScheduleSpec) {
    this.interval = schedule.interval ?? 'epoch';
    this.warmupLength = schedule.warmup?.steps ?? schedule.warmup?.epochs ?? 0;
    this.warmup = schedule.warmup
      ? new LinearLR(optimizer, {
          startFactor: schedule.warmup.start_factor,
          totalIters: this.warmupLength,
        })
      : null;
    const main = mainScheduler(optimizer, schedule);
    if (main instanceof OneCycleLR && this.warmup) {
      throw new TrainingError('onecycle warms up by itself (pct_start); remove schedule.warmup');
    }
    this.scheduler =
      this.warmup && main
        ? new SequentialLR(optimizer, {
            schedulers: [this.warmup, main],
            milestones: [this.warmupLength],
          })
        : (main ?? this.warmup);
    const p = schedule.reduce_on_plateau;
    this.plateau = p
      ? new ReduceLROnPlateau(optimizer, {
          mode: p.mode,
          factor: p.factor,
          patience: p.patience,
          threshold: p.threshold,
          thresholdMode: p.threshold_mode,
          cooldown: p.cooldown,
          minLr: p.min_lr,
          eps: p.eps,
        })
      : null;
    this.monitor = p?.metric ?? null;
  }

  afterStep(): void {
    if (this.interval === 'step') this.advance();
  }

  afterEvaluation(record: EpochRecord): void {
    // Evaluations before the warmup is over do not count for reduce_on_plateau, as in the
    // usual loop: `if epoch < warmup: warmup.step() else: plateau.step(metric)`.
    const warming = !this.warmupDone();
    if (this.interval === 'epoch') this.advance();
    if (this.plateau && !warming) {
      this.plateau.step(metricOf(record, this.monitor as MonitoredMetric, 'reduce_on_plateau'));
    }
  }

  stateDict(): RunScheduleState {
    return {
      ...(this.scheduler ? { scheduler: this.scheduler.stateDict() } : {}),
      ...(this.plateau ? { plateau: this.plateau.stateDict() } : {}),
    };
  }

  loadStateDict(state: RunScheduleState): void {
    if (this.scheduler && state.scheduler) this.scheduler.loadStateDict(state.scheduler);
    if (this.plateau && state.plateau) this.plateau.loadStateDict(state.plateau);
  }

  /** The stepped schedule moves on; alongside reduce_on_plateau that is the warmup, until it ends. */
  private advance(): void {
    if (this.scheduler === null) return;
    if (this.plateau && this.warmupDone()) return;
    this.scheduler.step();
  }

  private warmupDone(): boolean {
    return this.warmup === null || this.warmup.lastEpoch >= this.warmupLength;
  }
}
