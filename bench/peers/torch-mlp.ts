// Runs bench/peers/torch_mlp.py: the four workloads in PyTorch (Debian's python3-torch) with a
// given number of threads, timed with the protocol of bench/step-rate.ts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STEP_RATE_DEFAULTS, type StepRateOptions } from '../step-rate.js';
import { WORKLOADS, type Workload, type WorkloadName, type WorkloadRow } from '../workloads.js';

export const PYTHON = '/usr/bin/python3';

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
  const child = spawn(PYTHON, [script, String(threads), JSON.stringify(workloads), protocol], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const rows: WorkloadRow[] = [];
  let header: TorchRun['header'] = null;
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const parsed = JSON.parse(line);
      if ('torch' in parsed) {
        header = parsed;
        continue;
      }
      const row: WorkloadRow = {
        impl,
        workload: parsed.workload as WorkloadName,
        stepsPerSecond: parsed.stepsPerSecond,
        // Process CPU time sums every thread: meaningful for one thread only.
        ...(threads === 1 ? { cpuStepsPerSecond: parsed.cpuStepsPerSecond } : {}),
        samples: parsed.samples,
      };
      rows.push(row);
      onRow(row);
    }
  });
  const status = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += error.message;
      resolve(null);
    });
    child.on('close', resolve);
  });
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
