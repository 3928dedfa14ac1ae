// `npm run bench`: every benchmark in one run, written into bench/RESULTS.md. Each generated
// block sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; a rerun replaces those
// blocks and keeps everything else in the file (prose, sections other tools write).
//
// Usage: npm run bench [-- options]
//   --only a,b           sections to run: machine, workloads, memory, startup, matmul, compile
//   --memory-steps N     medium-workload steps for the memory run (default 100000)
//   --memory-seconds S   time budget of the memory run (default 600); it stops there and says so
//   --quick              short windows, small sizes, 20 s memory run; prints, leaves RESULTS.md
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compileTable, compileTimeRows } from './compile.js';
import { benchMatmul, matmulMarkdown } from './matmul.js';
import { benchMemory, memoryMarkdown } from './memory.js';
import { benchTfjsWorkloads } from './peers/tfjs.js';
import { benchTorchWorkloads, torchImplName } from './peers/torch-mlp.js';
import { benchStartup, startupMarkdown } from './startup.js';
import type { StepRateOptions } from './step-rate.js';
import { benchModelspecWorkloads, WORKLOADS, type WorkloadRow } from './workloads.js';
import { workloadsMarkdown } from './workloads-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = `${ROOT}bench/RESULTS.md`;
const SECTIONS = ['machine', 'workloads', 'memory', 'startup', 'matmul', 'compile'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  only: Set<Section>;
  memorySteps: number;
  memorySeconds: number;
  quick: boolean;
}

function parseArgs(args: string[]): Options {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const quick = args.includes('--quick');
  const only = value('--only')?.split(',') ?? [...SECTIONS];
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown section '${name}' (known: ${SECTIONS.join(', ')})`);
    }
  }
  return {
    only: new Set(only as Section[]),
    memorySteps: Number(value('--memory-steps') ?? 100_000),
    memorySeconds: Number(value('--memory-seconds') ?? (quick ? 20 : 600)),
    quick,
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const load = () => loadavg()[0].toFixed(1);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}

/** Builds dist when it is missing or older than src (the start-up bench runs the built CLI). */
function ensureBuilt(): string {
  const built = `${ROOT}dist/cli/main.js`;
  const wasm = `${ROOT}dist/wasm/kernels.wasm`;
  if (
    existsSync(built) &&
    existsSync(wasm) &&
    statSync(built).mtimeMs >= newestMtime(`${ROOT}src`)
  ) {
    return 'dist was up to date';
  }
  log('dist is missing or older than src: npm run build');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return result.status === 0
    ? 'built by this run'
    : `npm run build failed (status ${result.status}); dist may be stale`;
}

function machineMarkdown(buildNote: string): string {
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout ?? '';
  const field = (name: string) => lscpu.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1].trim();
  const flags = field('Flags') ?? '';
  const simd = ['avx512f', 'avx2', 'fma'].filter((f) => flags.split(' ').includes(f));
  const tfjs = JSON.parse(
    readFileSync(`${ROOT}node_modules/@tensorflow/tfjs-core/package.json`, 'utf8'),
  );
  return [
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${field('Model name') ?? cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical CPUs (${field('Thread\\(s\\) per core') ?? '?'} thread(s) per core${field('Hypervisor vendor') ? `, ${field('Hypervisor vendor')} guest` : ''}); SIMD: ${simd.join(', ') || 'none of avx512f/avx2/fma'}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${release()}`,
    `- Node ${process.version}; tfjs-core ${tfjs.version}; PyTorch: see the workloads section`,
    `- Build: ${buildNote}`,
    `- Load average (1 min) when the run started: ${load()}. Other processes share these ${cpus().length} CPUs; a load above ${cpus().length} means every figure here is slowed and noisy (the CPU-time tables are the more robust ones).`,
  ].join('\n');
}

async function workloadsSection(options: Options): Promise<string> {
  const timing: StepRateOptions = options.quick
    ? { windows: 3, windowSeconds: 0.2, warmUpSeconds: 0.2 }
    : {};
  const workloads = options.quick ? WORKLOADS.slice(0, 3) : WORKLOADS;
  const progress = (row: WorkloadRow) =>
    log(`${row.impl} ${row.workload}: ${row.stepsPerSecond?.toFixed(1) ?? row.note} steps/s`);
  const rows: WorkloadRow[] = [];
  const loadBefore = load();
  rows.push(...benchModelspecWorkloads(workloads, timing, progress));
  const torchVersions: string[] = [];
  for (const threads of [1, 2]) {
    const run = await benchTorchWorkloads(threads, workloads, timing, progress);
    rows.push(...run.rows);
    if (run.header) {
      torchVersions.push(
        `${torchImplName(threads)}: torch ${run.header.torch}, OpenBLAS capped by threadpoolctl: ${run.header.threadpoolctl ? 'yes' : 'no (environment variables only)'}`,
      );
    }
  }
  for (const backend of ['wasm', 'cpu'] as const) {
    rows.push(...(await benchTfjsWorkloads(backend, workloads, timing, progress)));
  }
  return workloadsMarkdown(rows, {
    load: `${loadBefore} before, ${load()} after`,
    peers: torchVersions,
  });
}

/** Replaces (or adds) the block of each section; the rest of the file stays as it was. */
function updateResults(blocks: Partial<Record<Section, string>>): void {
  let text = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  for (const [name, body] of Object.entries(blocks)) {
    const open = `<!-- bench:${name} -->`;
    const close = `<!-- /bench:${name} -->`;
    const block = `${open}\n${body.trim()}\n${close}`;
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start >= 0 && end > start) {
      text = text.slice(0, start) + block + text.slice(end + close.length);
    } else if (name === 'machine') {
      const afterTitle = text.startsWith('# ') ? text.indexOf('\n') + 1 : 0;
      text = `${text.slice(0, afterTitle)}\n${block}\n${text.slice(afterTitle)}`;
    } else {
      text = `${text.trimEnd()}\n\n${block}\n`;
    }
  }
  writeFileSync(RESULTS, text);
}

const TITLES: Record<Section, string> = {
  machine: '## Machine',
  workloads: '## Training workloads',
  memory: '## Memory over a long run',
  startup: '## CLI start-up',
  matmul: '## Matmul',
  compile: '## Compile time',
};

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const buildNote =
    options.only.has('startup') || options.only.has('matmul') ? ensureBuilt() : 'not checked';
  const runners: Record<Section, () => Promise<string> | string> = {
    machine: () => machineMarkdown(buildNote),
    workloads: () => workloadsSection(options),
    memory: async () =>
      memoryMarkdown(
        await benchMemory(options.memorySteps, options.memorySeconds, (s) =>
          log(`memory: step ${s.step}, RSS ${(s.rss / 2 ** 20).toFixed(1)} MiB`),
        ),
      ),
    startup: () => startupMarkdown(benchStartup()),
    matmul: async () => {
      const rows = await benchMatmul({
        sizes: options.quick ? [64, 128] : undefined,
        onRow: (r) => log(`${r.impl} ${r.variant} N=${r.n}: ${r.gflops?.toFixed(2) ?? r.note}`),
      });
      return `GFLOP/s, fp32 N×N·N×N, wall clock, median of samples (bench/matmul.ts).\n\n${matmulMarkdown(rows)}`;
    },
    compile: () =>
      `Median wall-clock ms of validateSpec and compileSpec on generated specs of 16-wide linear+relu layers (bench/compile.ts).\n\n${compileTable(compileTimeRows(options.quick ? [10, 100] : undefined))}`,
  };
  for (const section of SECTIONS.filter((s) => options.only.has(s))) {
    log(`== ${section} (load ${load()})`);
    const started = performance.now();
    const body = await runners[section]();
    const minutes = ((performance.now() - started) / 60e3).toFixed(1);
    const block = `${TITLES[section]}\n\n${body}${section === 'machine' ? '' : `\n\n_Measured in ${minutes} min; load average ${load()} at the end._`}`;
    if (options.quick) process.stdout.write(`${block}\n\n`);
    else updateResults({ [section]: block });
  }
  if (!options.quick) log(`wrote ${RESULTS}`);
}

await main();
