/**
 * The one timing protocol every training-step figure uses (modelspec, tfjs, and the same
 * constants handed to the PyTorch peer): warm up, then several timed windows of whole steps,
 * and report the median of the windows' steps per second.
 */
export interface StepRateOptions {
  /** Warm-up lasts at least this long and at least `warmUpSteps` steps (capped at 5 s). */
  warmUpSeconds?: number;
  warmUpSteps?: number;
  /** Timed windows; slow steps (over a quarter of a window) get 3 windows, not more. */
  windows?: number;
  /** Each window runs whole steps until at least this much time has passed. */
  windowSeconds?: number;
}

export interface StepRate {
  /** Median over the windows, by the wall clock. */
  stepsPerSecond: number;
  /**
   * Median over the windows, by this process's CPU time (all its threads): on a loaded machine
   * this is what a one-thread implementation would reach on an idle one; it understates
   * implementations that use more than one thread.
   */
  cpuStepsPerSecond: number;
  /** Every window's wall-clock steps per second, in the order they ran. */
  samples: number[];
  /** Steps run in the timed windows (warm-up excluded). */
  steps: number;
}

export const STEP_RATE_DEFAULTS: Required<StepRateOptions> = {
  warmUpSeconds: 2,
  warmUpSteps: 3,
  windows: 7,
  windowSeconds: 0.5,
};

const WARM_UP_CAP_SECONDS = 5;

function seconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `step` (one complete training step, result read back) under the protocol above. */
export function measureStepRate(step: () => void, options: StepRateOptions = {}): StepRate {
  const { warmUpSeconds, warmUpSteps, windows, windowSeconds } = {
    ...STEP_RATE_DEFAULTS,
    ...options,
  };
  const warmUpStart = seconds();
  let warmed = 0;
  for (;;) {
    step();
    warmed += 1;
    const elapsed = seconds() - warmUpStart;
    if ((warmed >= warmUpSteps && elapsed >= warmUpSeconds) || elapsed >= WARM_UP_CAP_SECONDS) {
      break;
    }
  }
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let steps = 0;
  let count = windows;
  for (let w = 0; w < count; w += 1) {
    const cpuStart = cpuSeconds();
    const start = seconds();
    let n = 0;
    let elapsed = 0;
    do {
      step();
      n += 1;
      elapsed = seconds() - start;
    } while (elapsed < windowSeconds);
    samples.push(n / elapsed);
    cpuSamples.push(n / Math.max(cpuSeconds() - cpuStart, 1e-9));
    steps += n;
    if (w === 0 && elapsed / n > windowSeconds / 4) count = Math.min(count, 3);
  }
  return {
    stepsPerSecond: median(samples),
    cpuStepsPerSecond: median(cpuSamples),
    samples,
    steps,
  };
}
