import type { EpochRecord, StepProgress } from '../train/fit.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A run's length: epochs, or optimizer steps (max_steps) and where this process started. */
export type RunLength = number | { maxSteps: number; startStep: number };

/**
 * The one-line progress bar of `train` on a TTY: epoch (or step, with max_steps), the running
 * loss and metrics, steps/s, samples/s and the ETA of the whole run, redrawn in place with a
 * carriage return.
 */
export function progressLine(
  progress: StepProgress,
  length: RunLength,
  elapsedSeconds: number,
  /** Steps and samples since this process started training (a resumed run counts from there). */
  done: { steps: number; samples: number },
  barWidth = 24,
): string {
  const seconds = Math.max(1e-9, elapsedSeconds);
  const speed = `${rate(done.steps / seconds)} steps/s  ${rate(done.samples / seconds)} samples/s`;
  if (typeof length !== 'number') {
    const { maxSteps, startStep } = length;
    const perUpdate = elapsedSeconds / Math.max(1, progress.step - startStep);
    const eta = progress.step > startStep ? perUpdate * (maxSteps - progress.step) : Number.NaN;
    return `step ${progress.step}/${maxSteps} [${bar(progress.step / maxSteps, barWidth)}] ${metrics(progress.running)}  ${speed}  ETA ${duration(eta)}`;
  }
  const epochs = length;
  const fraction = progress.stepInEpoch / progress.stepsPerEpoch;
  const perStep = elapsedSeconds / Math.max(1, done.steps);
  const stepsLeft =
    (epochs - progress.epoch) * progress.stepsPerEpoch +
    (progress.stepsPerEpoch - progress.stepInEpoch);
  return (
    `epoch ${progress.epoch}/${epochs} [${bar(fraction, barWidth)}] ${progress.stepInEpoch}/${progress.stepsPerEpoch}` +
    ` ${metrics(progress.running)}  ${speed}  ETA ${duration(perStep * stepsLeft)}`
  );
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, fraction) * width);
  return `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`;
}

/** A rate as people read it: one decimal below 10, whole numbers with thousands separators above. */
export function rate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond).toLocaleString('en-US');
}

function metrics(values: Record<string, number> | undefined): string {
  if (!values) return '';
  return Object.entries(values)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join('  ');
}

/** The line printed for each record (each finished epoch, or each evaluation with max_steps). */
export function epochLine(record: EpochRecord, length: RunLength): string {
  const valid = record.valid ? `  | valid ${metrics(record.valid)}` : '';
  const norm = record.gradNorm ? `  grad norm ${Number(record.gradNorm.mean.toPrecision(4))}` : '';
  const where =
    typeof length === 'number'
      ? `epoch ${String(record.epoch).padStart(String(length).length)}/${length}`
      : `step ${String(record.step).padStart(String(length.maxSteps).length)}/${length.maxSteps}`;
  return `${where}  train ${metrics(record.train)}${valid}  lr ${Number(record.lr.toPrecision(4))}${norm}  ${record.seconds.toFixed(2)}s`;
}
