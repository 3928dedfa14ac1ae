// Markdown tables of the workload benchmark: steps/s of every implementation, modelspec's
// ratio to each peer measured in the same run, and the issue's targets met or missed.
import { STEP_RATE_DEFAULTS } from './step-rate.js';
import { modelspecImplName, WORKLOADS, type WorkloadName, type WorkloadRow } from './workloads.js';

const MS_1 = modelspecImplName(1);
const MS_2 = modelspecImplName(2);
const TORCH_1 = 'PyTorch 1 thread';
const TORCH_2 = 'PyTorch 2 threads';
const PEERS = [TORCH_1, TORCH_2, 'tfjs wasm', 'tfjs cpu'];
/**
 * Ratios shown: like for like (threads against threads; tfjs runs on one thread in Node), and
 * modelspec with two threads, its default on a two-CPU machine, against PyTorch on one.
 */
const RATIOS: [string, string][] = [
  [MS_1, TORCH_1],
  [MS_2, TORCH_2],
  [MS_2, TORCH_1],
  [MS_1, 'tfjs wasm'],
  [MS_1, 'tfjs cpu'],
];

type Clock = 'wall' | 'cpu';
type Lookup = (impl: string) => number | null;

interface Target {
  /** Who the ratio is against: a peer, or the faster PyTorch figure. */
  peer: string | 'PyTorch (best)';
  atLeast: number;
}

/**
 * The issue's targets (modelspec steps/s divided by the peer's), judged for modelspec as it
 * runs by default here (one kernel thread per CPU: two).
 */
const TARGETS: Record<WorkloadName, Target[]> = {
  tiny: [{ peer: TORCH_1, atLeast: 5 }],
  small: [{ peer: TORCH_1, atLeast: 5 }],
  medium: [
    { peer: TORCH_1, atLeast: 0.5 },
    { peer: 'tfjs wasm', atLeast: 8 },
  ],
  large: [
    { peer: 'PyTorch (best)', atLeast: 0.3 },
    { peer: 'tfjs wasm', atLeast: 10 },
  ],
};

function rate(row: WorkloadRow | undefined, clock: Clock): number | null {
  if (!row) return null;
  return clock === 'wall' ? row.stepsPerSecond : (row.cpuStepsPerSecond ?? null);
}

function lookup(rows: readonly WorkloadRow[], workload: WorkloadName, clock: Clock): Lookup {
  return (impl) => {
    if (impl === 'PyTorch (best)') {
      const figures = [
        lookup(rows, workload, clock)(TORCH_1),
        lookup(rows, workload, clock)(TORCH_2),
      ];
      const known = figures.filter((f): f is number => f !== null);
      return known.length > 0 ? Math.max(...known) : null;
    }
    return rate(
      rows.find((r) => r.impl === impl && r.workload === workload),
      clock,
    );
  };
}

function formatRate(value: number | null): string {
  if (value === null) return '–';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Half the range of the timed windows, relative to the median: how steady the figure was. */
function spread(row: WorkloadRow | undefined): string {
  if (!row?.samples || row.samples.length < 2 || !row.stepsPerSecond) return '';
  const half = (Math.max(...row.samples) - Math.min(...row.samples)) / 2 / row.stepsPerSecond;
  return ` ±${(100 * half).toFixed(0)}%`;
}

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return '–';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(1) : r >= 1 ? r.toFixed(2) : r.toFixed(3)}×`;
}

function verdicts(workload: WorkloadName, get: Lookup): string {
  return TARGETS[workload]
    .map(({ peer, atLeast }) => {
      const ms = get(MS_2);
      const other = get(peer);
      if (ms === null || other === null) return `≥ ${atLeast}× ${peer}: not measured`;
      const r = ms / other;
      return `≥ ${atLeast}× ${peer}: ${r >= atLeast ? 'met' : 'missed'} (${ratio(ms, other)})`;
    })
    .join('; ');
}

function present(rows: readonly WorkloadRow[]): WorkloadName[] {
  return WORKLOADS.map((w) => w.name).filter((name) => rows.some((r) => r.workload === name));
}

function describe(name: WorkloadName): string {
  const w = WORKLOADS.find((x) => x.name === name)!;
  return `${name} (${w.widths.join('-')}, b${w.batch})`;
}

function wallTables(rows: readonly WorkloadRow[]): string[] {
  const impls = [MS_1, MS_2, ...PEERS];
  const lines = [
    `| workload | ${impls.join(' | ')} |`,
    `|---|${impls.map(() => '---:').join('|')}|`,
  ];
  for (const name of present(rows)) {
    const cells = impls.map((impl) => {
      const row = rows.find((r) => r.impl === impl && r.workload === name);
      return `${formatRate(rate(row, 'wall'))}${spread(row)}`;
    });
    lines.push(`| ${describe(name)} | ${cells.join(' | ')} |`);
  }
  const heads = RATIOS.map(([a, b]) => `${a} ÷ ${b}`);
  lines.push('', `| workload | ${heads.join(' | ')} | targets (${MS_2}) |`);
  lines.push(`|---|${RATIOS.map(() => '---:').join('|')}|---|`);
  for (const name of present(rows)) {
    const get = lookup(rows, name, 'wall');
    const cells = RATIOS.map(([a, b]) => ratio(get(a), get(b)));
    lines.push(`| ${name} | ${cells.join(' | ')} | ${verdicts(name, get)} |`);
  }
  return lines;
}

function cpuTable(rows: readonly WorkloadRow[]): string[] {
  const impls = [MS_1, TORCH_1, 'tfjs wasm', 'tfjs cpu'];
  const peers = impls.slice(1);
  const lines = [
    `| workload | ${impls.join(' | ')} | ${peers.map((p) => `modelspec ÷ ${p}`).join(' | ')} |`,
    `|---|${[...impls, ...peers].map(() => '---:').join('|')}|`,
  ];
  for (const name of present(rows)) {
    const get = lookup(rows, name, 'cpu');
    const rates = impls.map((impl) => formatRate(get(impl)));
    const ratios = peers.map((p) => ratio(get(MS_1), get(p)));
    lines.push(`| ${name} | ${[...rates, ...ratios].join(' | ')} |`);
  }
  return lines;
}

function notes(rows: readonly WorkloadRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) if (r.note) seen.add(`- ${r.impl}: ${r.note}`);
  return [...seen];
}

export function workloadsMarkdown(
  rows: readonly WorkloadRow[],
  context: { load: string; peers: string[] },
): string {
  const { windows, windowSeconds, warmUpSeconds, warmUpSteps } = STEP_RATE_DEFAULTS;
  return [
    `Training steps per second: forward, loss, backward and an SGD step (momentum 0.9, lr 0.01) on one fixed random batch, the loss read back every step. modelspec compiles bench/workloads/<name>.yaml and trains through the public API (bench/workloads.ts), once with one kernel thread (\`setKernelThreads(1)\`) and once with two (the default on a two-CPU machine); PyTorch runs the same layers with torch.nn and torch.optim.SGD (bench/peers/torch_mlp.py; 2 threads with OMP_WAIT_POLICY=PASSIVE); tfjs uses tf.variable weights, tf.train.momentum and optimizer.minimize, dataSync() on the loss (bench/peers/tfjs.ts). Each figure is the median of timed windows (${windows} of ≥ ${windowSeconds} s; 3 when a step takes over ${windowSeconds / 4} s) after ≥ ${warmUpSeconds} s and ${warmUpSteps} steps of warm-up (bench/step-rate.ts); ±x% is half the range of the windows.`,
    '',
    ...context.peers.map((p) => `- ${p}`),
    `- Load average (1 min): ${context.load}.`,
    ...notes(rows),
    '',
    '### Wall clock',
    '',
    ...wallTables(rows),
    '',
    '### CPU time',
    '',
    "The same runs divided by the process's CPU time instead of wall time: what a single-threaded implementation would reach without other processes competing for the CPU. It counts every thread of the process, so it understates anything that computes on more than one: only single-threaded runs are shown.",
    '',
    ...cpuTable(rows),
  ].join('\n');
}
