/**
 * Median seconds per call of `run(reps)` (which performs `reps` calls). Calibrates `reps` so one
 * sample lasts at least `minSampleSeconds`; very slow calls get fewer samples so a whole bench
 * stays within minutes. Medians resist the noisy neighbours of a shared 2-vCPU VM.
 */
export function medianSecondsPerCall(
  run: (reps: number) => void,
  { samples = 7, minSampleSeconds = 0.05 } = {},
): number {
  run(1);
  let reps = 1;
  let elapsed = timeOnce(run, reps);
  while (elapsed < minSampleSeconds) {
    reps *= 2;
    elapsed = timeOnce(run, reps);
  }
  const count = elapsed > 0.5 ? 3 : samples;
  const times: number[] = [];
  for (let s = 0; s < count; s++) times.push(timeOnce(run, reps) / reps);
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

function timeOnce(run: (reps: number) => void, reps: number): number {
  const start = process.hrtime.bigint();
  run(reps);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
