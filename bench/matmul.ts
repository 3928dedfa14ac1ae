// Matmul GFLOP/s: the plain TypeScript reference, the wasm SIMD kernel, tfjs (cpu, wasm) and
// PyTorch (1 and 2 threads). Run: npx tsx bench/matmul.ts  (prints markdown tables).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type MatmulKernel, matmulReference } from '../src/kernels/matmul.js';
import { createWasmMatmul } from '../src/kernels/matmul-wasm.js';
import { loadWasmKernels } from '../src/kernels/wasm/instance.js';
import { sharedWorkerPool } from '../src/kernels/wasm/pool.js';
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
  warmUpKernels(kernels.flatMap(([, k]) => (k ? [k] : [])));
  for (const [impl, kernel] of kernels) {
    if (kernel === null) {
      add(...unavailable(impl, sizes, 'dist/wasm/kernels.wasm missing: npm run build'));
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
  // Usage: npx tsx bench/matmul.ts [--cpu] [--best] [--crossover] [N ...]
  const args = process.argv.slice(2);
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
