import { ValueError } from '../tensor/errors.js';
import { checkKeys } from './options.js';
import {
  bisectRight,
  type HasParamGroups,
  LRScheduler,
  type SchedulerStateDict,
} from './schedule.js';

export interface SequentialLROptions {
  schedulers: LRScheduler[];
  /** The epochs at which the next schedule takes over (one fewer than the schedules). */
  milestones: number[];
}

/**
 * torch.optim.lr_scheduler.SequentialLR: schedule i is in charge from milestone i − 1 on,
 * counting its epochs from 0 there (a spec's `warmup` is SequentialLR([LinearLR, ...])).
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: HasParamGroups, options: SequentialLROptions) {
    super(optimizer);
    checkKeys('SequentialLR', ['schedulers', 'milestones'], options);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new ValueError('SequentialLR: schedulers must be a non-empty list of schedules');
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new ValueError(`SequentialLR: schedulers[${i}] is not a schedule`);
      }
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          `SequentialLR: schedulers[${i}] belongs to another optimizer than the one given`,
        );
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedules, got ${Array.isArray(milestones) ? milestones.length : String(milestones)}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.initialStep();
  }

  /** The schedule in charge at `epoch` and its own epoch there. */
  private active(epoch: number): [LRScheduler, number] {
    const index = bisectRight(this.milestones, epoch);
    return [this.schedulers[index], index === 0 ? epoch : epoch - this.milestones[index - 1]];
  }

  protected lrsAt(epoch: number): number[] {
    const [scheduler, local] = this.active(epoch);
    scheduler.applyEpoch(local);
    return scheduler.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    if (!Array.isArray(sd?.schedulers) || sd.schedulers.length !== this.schedulers.length) {
      throw new ValueError(
        `SequentialLR.loadStateDict: expected the states of ${this.schedulers.length} schedules`,
      );
    }
    sd.schedulers.forEach((s, i) => {
      this.schedulers[i].loadStateDict(s);
    });
    super.loadStateDict(sd);
  }
}
