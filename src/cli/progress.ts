import type { StepProgress } from '../train/fit.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * The one-line progress bar of `train` on a TTY: epoch, step, the epoch's running loss and
 * metrics, steps/s, samples/s and the ETA of the whole run, redrawn in place with a carriage
 * return.
 */
export function progressLine(
  progress: StepProgress,
  epochs: number,
  elapsedSeconds: number,
  /** Steps and samples since this process started training (a resumed run counts from there). */
  done: { steps: number; samples: number },
  barWidth = 24,
): string {
  const fraction = progress.stepInEpoch / progress.stepsPerEpoch;
  const filled = Math.round(fraction * barWidth);
  const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(barWidth - filled)}`;
  const perStep = elapsedSeconds / Math.max(1, done.steps);
  const stepsLeft =
    (epochs - progress.epoch) * progress.stepsPerEpoch +
    (progress.stepsPerEpoch - progress.stepInEpoch);
  const seconds = Math.max(1e-9, elapsedSeconds);
  return (
    `epoch ${progress.epoch}/${epochs} [${bar}] ${progress.stepInEpoch}/${progress.stepsPerEpoch}` +
    ` ${metrics(progress.running)}  ${rate(done.steps / seconds)} steps/s  ${rate(done.samples / seconds)} samples/s  ETA ${duration(perStep * stepsLeft)}`
  );
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

/** The line printed for each finished epoch. */
export function epochLine(
  record: {
    epoch: number;
    train: Record<string, number>;
    valid?: Record<string, number>;
    seconds: number;
    lr: number;
  },
  epochs: number,
): string {
  const valid = record.valid ? `  | valid ${metrics(record.valid)}` : '';
  return `epoch ${String(record.epoch).padStart(String(epochs).length)}/${epochs}  train ${metrics(record.train)}${valid}  lr ${Number(record.lr.toPrecision(4))}  ${record.seconds.toFixed(2)}s`;
}
