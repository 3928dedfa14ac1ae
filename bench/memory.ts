// Resident memory over a long training run: the medium workload trained for many steps in a
// child process (so nothing else lives in its heap), RSS sampled along the way. The target is
// RSS growing less than 5% from step 1,000 to step 100,000. 100,000 steps can take longer than
// a bench run may, so the run also stops at a time budget and reports the steps it ran.
// Run: npx tsx bench/memory.ts [STEPS] [BUDGET_SECONDS]

import { fileURLToPath, pathToFileURL } from 'node:url';
import { runJsonLines } from './json-lines.js';
import { modelspecStep, workload } from './workloads.js';

export interface MemorySample {
  step: number;
  /** Bytes. */
  rss: number;
  heapUsed: number;
  seconds: number;
}

export interface MemoryResult {
  requestedSteps: number;
  budgetSeconds: number;
  /** Steps actually run (fewer than requested when the budget ran out). */
  steps: number;
  seconds: number;
  samples: MemorySample[];
  /** The sample growth is measured from: step 1,000, or ~10% of a run too short for that. */
  baseline: MemorySample;
  final: MemorySample;
  /** (final RSS - baseline RSS) / baseline RSS. */
  rssGrowth: number;
}

export const BASELINE_STEP = 1_000;
export const TARGET_STEPS = 100_000;
export const TARGET_GROWTH = 0.05;

function sampleSteps(step: number): boolean {
  if (step < BASELINE_STEP) return [1, 10, 100, 200, 500].includes(step);
  return step % BASELINE_STEP === 0;
}

/** The child: trains and prints one JSON sample per line. */
function trainAndSample(steps: number, budgetSeconds: number): void {
  const step = modelspecStep(workload('medium'));
  const start = performance.now();
  const emit = (n: number) => {
    const { rss, heapUsed } = process.memoryUsage();
    const sample: MemorySample = {
      step: n,
      rss,
      heapUsed,
      seconds: (performance.now() - start) / 1e3,
    };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  };
  let n = 0;
  while (n < steps) {
    step();
    n += 1;
    if (sampleSteps(n)) emit(n);
    if ((performance.now() - start) / 1e3 >= budgetSeconds) break;
  }
  if (!sampleSteps(n)) emit(n);
}

/** Runs the child and summarises its samples. `onSample` sees each one as it arrives. */
export async function benchMemory(
  steps = TARGET_STEPS,
  budgetSeconds = 600,
  onSample: (s: MemorySample) => void = () => {},
): Promise<MemoryResult> {
  const script = fileURLToPath(import.meta.url);
  const samples: MemorySample[] = [];
  const { status, stderr } = await runJsonLines<MemorySample>(
    process.execPath,
    ['--import', 'tsx', script, '--child', String(steps), String(budgetSeconds)],
    {},
    (sample) => {
      samples.push(sample);
      onSample(sample);
    },
  );
  if (status !== 0 || samples.length === 0) {
    throw new Error(`bench/memory child failed (status ${status}): ${stderr.trim()}`);
  }
  const final = samples[samples.length - 1];
  const baselineStep = final.step >= 2 * BASELINE_STEP ? BASELINE_STEP : final.step / 10;
  const baseline = samples.find((s) => s.step >= baselineStep) ?? samples[0];
  return {
    requestedSteps: steps,
    budgetSeconds,
    steps: final.step,
    seconds: final.seconds,
    samples,
    baseline,
    final,
    rssGrowth: (final.rss - baseline.rss) / baseline.rss,
  };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export function memoryMarkdown(r: MemoryResult): string {
  const ran =
    r.steps >= r.requestedSteps
      ? `${r.steps.toLocaleString('en-US')} steps`
      : `${r.steps.toLocaleString('en-US')} of the ${r.requestedSteps.toLocaleString('en-US')} steps requested (the ${r.budgetSeconds} s budget ran out)`;
  const verdict =
    r.steps >= TARGET_STEPS
      ? r.rssGrowth < TARGET_GROWTH
        ? 'meets the target'
        : 'misses the target'
      : `not the full ${TARGET_STEPS.toLocaleString('en-US')}-step run, so no verdict on the target`;
  const shown = r.samples.filter(
    (s, i) =>
      s.step <= BASELINE_STEP ||
      i === r.samples.length - 1 ||
      i % Math.ceil(r.samples.length / 12) === 0,
  );
  const lines = [
    `medium workload, ${ran} in ${r.seconds.toFixed(0)} s (${(r.steps / r.seconds).toFixed(1)} steps/s).`,
    `RSS grew ${(100 * r.rssGrowth).toFixed(1)}% from step ${r.baseline.step.toLocaleString('en-US')} (${mib(r.baseline.rss)} MiB) to step ${r.final.step.toLocaleString('en-US')} (${mib(r.final.rss)} MiB): ${verdict} (< ${100 * TARGET_GROWTH}%).`,
    '',
    '| step | RSS MiB | V8 heap used MiB | seconds |',
    '|---:|---:|---:|---:|',
    ...shown.map(
      (s) =>
        `| ${s.step.toLocaleString('en-US')} | ${mib(s.rss)} | ${mib(s.heapUsed)} | ${s.seconds.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    trainAndSample(Number(args[1]), Number(args[2]));
  } else {
    const steps = args[0] ? Number(args[0]) : TARGET_STEPS;
    const budget = args[1] ? Number(args[1]) : 600;
    const result = await benchMemory(steps, budget, (s) =>
      process.stderr.write(`step ${s.step}: RSS ${mib(s.rss)} MiB\n`),
    );
    process.stdout.write(`${memoryMarkdown(result)}\n`);
  }
}
