/** 'wall' for real elapsed time; 'cpu' for this process's CPU time, which ignores time spent
 * descheduled and so gives single-threaded figures that hold up on a loaded machine (it would
 * overstate multi-threaded ones). */
export type Clock = 'wall' | 'cpu';

/** 'median' of the samples (default), or the 'best' one, which on a loaded machine estimates
 * what an idle one would give (co-running processes evict the packed panels from cache). */
export type Statistic = 'median' | 'best';

export interface TimingOptions {
  clock?: Clock;
  statistic?: Statistic;
  samples?: number;
  minSampleSeconds?: number;
}

const now: Record<Clock, () => number> = {
  wall: () => Number(process.hrtime.bigint()) / 1e9,
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
};

/**
 * Seconds per call of `run(reps)` (which performs `reps` calls). Calibrates `reps` so one
 * sample lasts at least `minSampleSeconds`; very slow calls get fewer samples so a whole bench
 * stays within minutes.
 */
export function secondsPerCall(
  run: (reps: number) => void,
  {
    clock = 'wall',
    statistic = 'median',
    samples = 7,
    minSampleSeconds = 0.05,
  }: TimingOptions = {},
): number {
  const read = now[clock];
  const time = (reps: number) => {
    const start = read();
    run(reps);
    return read() - start;
  };
  run(1);
  let reps = 1;
  let elapsed = time(reps);
  while (elapsed < minSampleSeconds) {
    reps *= 2;
    elapsed = time(reps);
  }
  const count = elapsed > 0.5 ? 3 : samples;
  const times: number[] = [];
  for (let s = 0; s < count; s++) times.push(time(reps) / reps);
  times.sort((x, y) => x - y);
  return statistic === 'best' ? times[0] : times[Math.floor(times.length / 2)];
}
