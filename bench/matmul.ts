// Matmul GFLOP/s: the plain TypeScript reference, the wasm SIMD kernel, tfjs (cpu, wasm) and
// PyTorch (1 and 2 threads). Run: npx tsx bench/matmul.ts  (prints markdown tables).
import { spawnSync } from 'node:child_process';
// Registers the Node host (file access, the native addon) as importing 'modelspec' does.
import '../src/platform/node.js';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type MatmulKernel, matmulReference } from '../src/kernels/matmul.js';
import { createWasmMatmul } from '../src/kernels/matmul-wasm.js';
import { createNativeMatmul, nativeStatus } from '../src/kernels/native/index.js';
import { loadWasmKernels } from '../src/kernels/wasm/instance.js';
import { sharedWorkerPool } from '../src/kernels/wasm/pool.js';
import { measurePeak, type Peak } from './peak.js';
import { tfjsMatmulSeconds } from './peers/tfjs-matmul.js';
import { secondsPerCall, type TimingOptions } from './peers/timing.js';

export type Variant = 'A·B' | 'Aᵀ·B' | 'A·Bᵀ';
export const VARIANTS: readonly Variant[] = ['A·B', 'Aᵀ·B', 'A·Bᵀ'];

export interface MatmulRow {
  impl: string;
  variant: Variant;
  /** Square size: m = k = n. */
  n: number;
  /** null when the implementation is unavailable here (see `note`). */
  gflops: number | null;
  note?: string;
}

export const DEFAULT_SIZES = [64, 128, 256, 512, 1024];
const PYTHON = '/usr/bin/python3';

function flags(variant: Variant): [boolean, boolean] {
  return [variant === 'Aᵀ·B', variant === 'A·Bᵀ'];
}

function randomMatrix(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * n);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/**
 * Seconds per call of a MatmulKernel on n×n operands. Every case gets a new closure from this
 * one site; `warmUpKernels` has already created several, so V8 no longer specialises a closure
 * on its captured sizes (which makes whichever case is optimised first look up to 2x faster).
 */
function kernelSeconds(
  kernel: MatmulKernel,
  n: number,
  variant: Variant,
  timing: TimingOptions,
): number {
  const [transA, transB] = flags(variant);
  const a = randomMatrix(n, n);
  const b = randomMatrix(n, n + 1);
  const out = new Float32Array(n * n);
  return secondsPerCall((reps) => {
    for (let r = 0; r < reps; r++) kernel(a, b, out, n, n, n, transA, transB, false);
  }, timing);
}

function warmUpKernels(kernels: MatmulKernel[]): void {
  for (const kernel of kernels) {
    for (const n of [8, 24, 48]) {
      for (const variant of VARIANTS) kernelSeconds(kernel, n, variant, {});
    }
  }
}

function gflops(n: number, seconds: number): number {
  return (2 * n * n * n) / seconds / 1e9;
}

function torchRows(threads: number, sizes: number[], timing: TimingOptions): MatmulRow[] {
  const impl = `PyTorch ${threads} thread${threads > 1 ? 's' : ''}`;
  const env = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    // Without PASSIVE, OpenMP threads spin against OpenBLAS's and slow both (perf-notes.md).
    OMP_WAIT_POLICY: 'PASSIVE',
  };
  const script = fileURLToPath(new URL('./peers/torch_matmul.py', import.meta.url));
  const result = spawnSync(
    PYTHON,
    [
      script,
      timing.clock ?? 'wall',
      timing.statistic ?? 'median',
      String(threads),
      ...sizes.map(String),
    ],
    {
      env,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split('\n').pop() ?? 'failed';
    return unavailable(impl, sizes, `PyTorch unavailable (${why})`);
  }
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { variant?: Variant; n?: number; gflops?: number })
    .filter((row) => row.variant !== undefined)
    .map((row) => ({ impl, variant: row.variant!, n: row.n!, gflops: row.gflops! }));
}

function unavailable(impl: string, sizes: number[], note: string): MatmulRow[] {
  return sizes.flatMap((n) =>
    VARIANTS.map((variant) => ({ impl, variant, n, gflops: null, note })),
  );
}

export interface MatmulBenchOptions {
  sizes?: number[];
  /**
   * Clock and statistic (default: wall clock, median). With the CPU clock, which keeps
   * one-thread figures honest on a loaded machine, multi-threaded rows are left out.
   */
  timing?: TimingOptions;
  /** Called with each row as soon as it is measured (progress). */
  onRow?: (row: MatmulRow) => void;
}

/** Measures every implementation at every size and variant. Takes several minutes at defaults. */
export async function benchMatmul({
  sizes = DEFAULT_SIZES,
  timing = {},
  onRow = () => {},
}: MatmulBenchOptions = {}): Promise<MatmulRow[]> {
  const rows: MatmulRow[] = [];
  const add = (...measured: MatmulRow[]) => {
    rows.push(...measured);
    measured.forEach(onRow);
  };
  const kernels: [string, MatmulKernel | null][] = [
    ['JS reference', matmulReference],
    ['wasm SIMD', createWasmMatmul()],
  ];
  const wall = timing.clock !== 'cpu';
  if (wall) kernels.push(['wasm SIMD 2 threads', threadedWasmMatmul()]);
  kernels.push(['native', createNativeMatmul({ threads: 1 })]);
  if (wall) kernels.push(['native 2 threads', createNativeMatmul({ threads: 2 })]);
  warmUpKernels(kernels.flatMap(([, k]) => (k ? [k] : [])));
  for (const [impl, kernel] of kernels) {
    if (kernel === null) {
      const status = nativeStatus();
      const why = impl.startsWith('native')
        ? `native kernels unavailable: ${status.available ? '?' : status.reason}`
        : 'dist/wasm/kernels.wasm missing: npm run build';
      add(...unavailable(impl, sizes, why));
      continue;
    }
    for (const n of sizes) {
      for (const variant of VARIANTS) {
        add({ impl, variant, n, gflops: gflops(n, kernelSeconds(kernel, n, variant, timing)) });
      }
    }
  }
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const n of sizes) {
      for (const variant of VARIANTS) {
        const [transA, transB] = flags(variant);
        const seconds = await tfjsMatmulSeconds(backend, n, transA, transB, timing);
        add({ impl: `tfjs ${backend}`, variant, n, gflops: gflops(n, seconds) });
      }
    }
  }
  add(...torchRows(1, sizes, timing));
  if (wall) add(...torchRows(2, sizes, timing));
  return rows;
}

/** The 2-thread wasm matmul with its worker already started, or null without wasm. */
function threadedWasmMatmul(): MatmulKernel | null {
  const kernel = createWasmMatmul({ threads: 2 });
  const kernels = loadWasmKernels();
  if (kernel === null || kernels === null) return null;
  sharedWorkerPool(kernels, 1).waitUntilReady();
  return kernel;
}

export interface PeakRow {
  n: number;
  variant: Variant;
  threads: number;
  /** Median and best over the interleaved rounds of each round's median GFLOP/s. */
  median: number;
  best: number;
}

export interface PeakRun {
  rows: PeakRow[];
  /** The peak measured before each round (and once after the last). */
  peaks: Peak[];
  error?: string;
}

/**
 * The native matmul against this machine's FP32 peak (bench/peak.c), interleaved: each round
 * measures the peak, then every size, variant and thread count once, so a noisy spell slows
 * all of them rather than one. One thread is timed by process CPU time, more by wall clock.
 */
export function benchNativeVsPeak({
  sizes = [256, 512, 1024],
  rounds = 3,
  threadCounts = [1, 2],
}: {
  sizes?: number[];
  rounds?: number;
  threadCounts?: number[];
} = {}): PeakRun {
  const kernels = threadCounts.map((threads) => createNativeMatmul({ threads }));
  const first = measurePeak();
  if ('error' in first) return { rows: [], peaks: [], error: first.error };
  if (kernels.some((k) => k === null)) {
    const status = nativeStatus();
    return { rows: [], peaks: [], error: status.available ? '?' : status.reason };
  }
  const peaks: Peak[] = [first];
  const samples = new Map<string, number[]>();
  warmUpKernels(kernels as MatmulKernel[]);
  for (let round = 0; round < rounds; round++) {
    if (round > 0) peaks.push(measurePeak() as Peak);
    for (const n of sizes) {
      for (const variant of VARIANTS) {
        threadCounts.forEach((threads, t) => {
          const key = `${n}|${variant}|${threads}`;
          // One thread is timed by CPU time, which a descheduled process does not accrue.
          const clock = threads === 1 ? 'cpu' : 'wall';
          const seconds = kernelSeconds(kernels[t]!, n, variant, { samples: 5, clock });
          samples.set(key, [...(samples.get(key) ?? []), gflops(n, seconds)]);
        });
      }
    }
  }
  peaks.push(measurePeak() as Peak);
  const rows: PeakRow[] = [];
  for (const [key, values] of samples) {
    const [n, variant, threads] = key.split('|');
    values.sort((x, y) => x - y);
    rows.push({
      n: Number(n),
      variant: variant as Variant,
      threads: Number(threads),
      median: values[Math.floor(values.length / 2)],
      best: values[values.length - 1],
    });
  }
  return { rows, peaks };
}

/**
 * The peak table: native GFLOP/s and their share of the highest peak measured in the run (per
 * core; times the thread count for more threads), next to the 1-thread wasm and PyTorch figures
 * of the main table.
 */
export function peakMarkdown(run: PeakRun, mainRows: MatmulRow[]): string {
  if (run.error) return `Native matmul against the peak: not measured (${run.error}).`;
  const peak = Math.max(...run.peaks.map((p) => p.peak));
  const pct = (g: number | null | undefined, threads = 1) =>
    g == null ? '–' : `${((100 * g) / (peak * threads)).toFixed(0)}%`;
  const main = (impl: string, n: number, variant: Variant) =>
    mainRows.find((r) => r.impl === impl && r.n === n && r.variant === variant)?.gflops;
  const lines = [
    '| N | op | native 1 thread (CPU time) | % of peak (best round) | native 2 threads (wall) | % of 2× peak (best round) | wasm SIMD 1 thread | PyTorch 1 thread |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  const one = run.rows.filter((r) => r.threads === 1);
  for (const r of one) {
    const two = run.rows.find((x) => x.threads === 2 && x.n === r.n && x.variant === r.variant);
    const wasm = main('wasm SIMD', r.n, r.variant);
    const torch = main('PyTorch 1 thread', r.n, r.variant);
    lines.push(
      `| ${r.n} | ${r.variant} | ${r.median.toFixed(1)} | ${pct(r.median)} (${pct(r.best)}) | ${two?.median.toFixed(1) ?? '–'} | ${pct(two?.median, 2)} (${pct(two?.best, 2)}) | ${wasm?.toFixed(1) ?? '–'} (${pct(wasm)}) | ${torch?.toFixed(1) ?? '–'} (${pct(torch)}) |`,
    );
  }
  const range = (key: keyof Peak) => {
    const values = run.peaks.map((p) => p[key]);
    return `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;
  };
  return [
    `Peak FP32 per core (bench/peak.c, independent FMA chains, best of 15 short rounds, measured ${run.peaks.length} times between the rounds): ${range('peak')} GFLOP/s (128-bit ${range('fma128')}, 256-bit ${range('fma256')}, 512-bit ${range('fma512')}); percentages use the highest, ${peak.toFixed(1)}.`,
    '',
    ...lines,
  ].join('\n');
}

export interface CrossoverRow {
  n: number;
  /**
   * GFLOP/s of the JS reference, the wasm kernel, the wasm gemm on operands already in wasm
   * memory (no copies), and the wasm kernel with 2 threads (null when timing CPU time).
   */
  reference: number;
  wasm: number;
  wasmResident: number;
  wasm2Threads: number | null;
}

/**
 * Small square sizes, to find where the wasm kernel starts beating the JS reference, how much
 * of its time goes to copying operands in and out, and where a second thread starts to pay.
 */
export function benchMatmulCrossover(
  sizes = [2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128],
  timing: TimingOptions = {},
): CrossoverRow[] {
  const wasm = createWasmMatmul();
  const wasm2 = timing.clock !== 'cpu' ? threadedWasmMatmul() : null;
  const kernels = loadWasmKernels();
  if (wasm === null || kernels === null) return [];
  warmUpKernels(wasm2 ? [matmulReference, wasm, wasm2] : [matmulReference, wasm]);
  return sizes.map((n) => {
    const reference = gflops(n, kernelSeconds(matmulReference, n, 'A·B', timing));
    const wasmGflops = gflops(n, kernelSeconds(wasm, n, 'A·B', timing));
    const [a, b, c] = [0, 1, 2].map(() => kernels.residentFloat32(n * n));
    a.set(randomMatrix(n, 1));
    b.set(randomMatrix(n, 2));
    const resident = secondsPerCall((reps) => {
      for (let r = 0; r < reps; r++) wasm(a, b, c, n, n, n, false, false, false);
    }, timing);
    const wasm2Threads = wasm2 ? gflops(n, kernelSeconds(wasm2, n, 'A·B', timing)) : null;
    return { n, reference, wasm: wasmGflops, wasmResident: gflops(n, resident), wasm2Threads };
  });
}

export function matmulMarkdown(rows: MatmulRow[]): string {
  const sizes = [...new Set(rows.map((r) => r.n))].sort((x, y) => x - y);
  const keys = [...new Set(rows.map((r) => `${r.impl}|${r.variant}`))];
  const lines = [
    `| implementation | op | ${sizes.map((n) => `N=${n}`).join(' | ')} |`,
    `|---|---|${sizes.map(() => '---:').join('|')}|`,
  ];
  const notes = new Set<string>();
  for (const key of keys) {
    const [impl, variant] = key.split('|');
    const cells = sizes.map((n) => {
      const row = rows.find((r) => r.impl === impl && r.variant === variant && r.n === n);
      if (row?.note) notes.add(`${impl}: ${row.note}`);
      return row?.gflops == null ? '–' : row.gflops.toFixed(1);
    });
    lines.push(`| ${impl} | ${variant} | ${cells.join(' | ')} |`);
  }
  return [...lines, ...[...notes].map((n) => `\n${n}`)].join('\n');
}

export function crossoverMarkdown(rows: CrossoverRow[]): string {
  const lines = [
    '| N | JS reference | wasm SIMD | wasm, operands resident | wasm 2 threads |',
    '|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.n} | ${[r.reference, r.wasm, r.wasmResident, r.wasm2Threads].map((g) => g?.toFixed(2) ?? '–').join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Usage: npx tsx bench/matmul.ts [--cpu] [--best] [--crossover | --peak] [N ...]
  const args = process.argv.slice(2);
  if (args.includes('--peak')) {
    const sizes = args.filter((a) => !a.startsWith('--')).map(Number);
    const loadBefore = loadavg()[0].toFixed(2);
    const run = benchNativeVsPeak(sizes.length > 0 ? { sizes } : {});
    process.stdout.write(
      `${peakMarkdown(run, [])}\n\nLoad ${loadBefore} before, ${loadavg()[0].toFixed(2)} after.\n`,
    );
    process.exit(0);
  }
  const timing: TimingOptions = {
    clock: args.includes('--cpu') ? 'cpu' : 'wall',
    statistic: args.includes('--best') ? 'best' : 'median',
  };
  const sizes = args.filter((a) => !a.startsWith('--')).map(Number);
  // Other processes skew the figures; the load average says how much to trust a run.
  const loadBefore = loadavg()[0].toFixed(2);
  const out: string[] = [];
  if (!args.includes('--crossover')) {
    const progress = (r: MatmulRow) =>
      process.stderr.write(`${r.impl} ${r.variant} N=${r.n}: ${r.gflops?.toFixed(2) ?? r.note}\n`);
    const rows = await benchMatmul({
      sizes: sizes.length > 0 ? sizes : undefined,
      timing,
      onRow: progress,
    });
    out.push(`GFLOP/s, fp32 N×N·N×N\n\n${matmulMarkdown(rows)}`);
  }
  const crossover = benchMatmulCrossover(undefined, timing);
  out.push(`Small sizes, A·B GFLOP/s\n\n${crossoverMarkdown(crossover)}`);
  const load = `${loadBefore} before, ${loadavg()[0].toFixed(2)} after`;
  out.push(`Timed with the ${timing.clock} clock, ${timing.statistic} of samples; load ${load}.`);
  process.stdout.write(`${out.join('\n\n')}\n`);
}
