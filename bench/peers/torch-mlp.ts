// Runs bench/peers/torch_mlp.py: the four workloads in PyTorch (Debian's python3-torch) with a
// given number of threads, timed with the protocol of bench/step-rate.ts.

import { fileURLToPath } from 'node:url';
import { runJsonLines } from '../json-lines.js';
import { STEP_RATE_DEFAULTS, type StepRateOptions } from '../step-rate.js';
import { WORKLOADS, type Workload, type WorkloadName, type WorkloadRow } from '../workloads.js';

export const PYTHON = '/usr/bin/python3';

/** What torch_mlp.py prints: a header line, then one line per workload. */
type TorchLine =
  | NonNullable<TorchRun['header']>
  | {
      workload: WorkloadName;
      stepsPerSecond: number;
      cpuStepsPerSecond: number;
      samples: number[];
    };

export interface TorchRun {
  rows: WorkloadRow[];
  /** torch version, threads, and whether threadpoolctl capped OpenBLAS; null if unavailable. */
  header: { torch: string; threads: number; threadpoolctl: boolean } | null;
}

export function torchImplName(threads: number): string {
  return `PyTorch ${threads} thread${threads > 1 ? 's' : ''}`;
}

/**
 * One Python process per thread count. For one thread, OMP/OpenBLAS are capped through the
 * environment as well (in case threadpoolctl is missing); for more, OMP_WAIT_POLICY=PASSIVE
 * keeps OpenMP from spin-waiting against OpenBLAS's threads (perf-notes.md).
 */
export async function benchTorchWorkloads(
  threads: number,
  workloads: readonly Workload[] = WORKLOADS,
  options: StepRateOptions = {},
  onRow: (row: WorkloadRow) => void = () => {},
): Promise<TorchRun> {
  const impl = torchImplName(threads);
  const env = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    ...(threads > 1 ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}),
  };
  const script = fileURLToPath(new URL('./torch_mlp.py', import.meta.url));
  const protocol = JSON.stringify({ ...STEP_RATE_DEFAULTS, ...options });
  const rows: WorkloadRow[] = [];
  let header: TorchRun['header'] = null;
  const { status, stderr } = await runJsonLines<TorchLine>(
    PYTHON,
    [script, String(threads), JSON.stringify(workloads), protocol],
    { env },
    (parsed) => {
      if (!('workload' in parsed)) {
        header = parsed;
        return;
      }
      const row: WorkloadRow = {
        impl,
        workload: parsed.workload,
        stepsPerSecond: parsed.stepsPerSecond,
        // Process CPU time sums every thread: meaningful for one thread only.
        ...(threads === 1 ? { cpuStepsPerSecond: parsed.cpuStepsPerSecond } : {}),
        samples: parsed.samples,
      };
      rows.push(row);
      onRow(row);
    },
  );
  if (status !== 0) {
    const why = stderr.trim().split('\n').pop() || `exit status ${status}`;
    const note = `PyTorch unavailable (${why})`;
    const measured = new Set(rows.map((r) => r.workload));
    for (const w of workloads.filter((w) => !measured.has(w.name))) {
      rows.push({ impl, workload: w.name, stepsPerSecond: null, note });
    }
  }
  return { rows, header };
}
