// Compile time against network depth: validateSpec and compileSpec on generated specs of 10 to
// 10,000 layers, written as a `layers` stack (linear + relu) and as graph expressions.
// Run: npx tsx bench/compile.ts  (prints a markdown table). compileTimeRows() is for bench/run.ts.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { compileSpec, validateSpec } from '../src/index.js';
import { Codes } from '../src/spec/codes.js';
import { MAX_SPEC_ENTRIES } from '../src/spec/limits.js';

export type SpecStyle = 'layers' | 'graph';

export interface CompileRow {
  style: SpecStyle;
  layers: number;
  /** Lines of YAML. */
  lines: number;
  /** Median milliseconds (CPU and wall clock); null when the spec is refused (see `note`). */
  validate: Timing | null;
  compile: Timing | null;
  note?: string;
}

const TOO_LARGE = Codes.fileTooLarge;

export const DEFAULT_DEPTHS = [10, 100, 1_000, 10_000];
const WIDTH = 16;

/** `depth` linear+relu pairs as a `layers` stack: 2 list items per layer. */
function layersSpec(depth: number): string {
  const stack = Array.from({ length: depth }, () => `    - linear: ${WIDTH}\n    - relu\n`);
  return `modelspec: 1
name: deep-layers
inputs:
  x: {shape: [batch, ${WIDTH}]}
layers:
  from: x
  to: out
  stack:
${stack.join('')}`;
}

/** The same network as expressions: per layer one weight, one bias and one graph line. */
function graphSpec(depth: number): string {
  const params: string[] = [];
  const nodes: string[] = [];
  for (let i = 1; i <= depth; i += 1) {
    params.push(
      `  W${i}: {shape: [${WIDTH}, ${WIDTH}]}\n  b${i}: {shape: [${WIDTH}], init: zeros}\n`,
    );
    nodes.push(`  h${i}: relu(${i === 1 ? 'x' : `h${i - 1}`} @ W${i} + b${i})\n`);
  }
  return `modelspec: 1
name: deep-graph
inputs:
  x: {shape: [batch, ${WIDTH}]}
parameters:
${params.join('')}graph:
${nodes.join('')}`;
}

export function generateSpec(style: SpecStyle, depth: number): string {
  return style === 'layers' ? layersSpec(depth) : graphSpec(depth);
}

interface Timing {
  /** Median CPU milliseconds of this process: time spent descheduled on a busy machine is left out. */
  cpu: number;
  /** Median wall-clock milliseconds. */
  wall: number;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Medians of `fn` after `warmUp` calls; at least 5 samples, more while within `budgetMs`. */
function timeMs(fn: () => void, { warmUp = 2, budgetMs = 1_500 } = {}): Timing {
  for (let i = 0; i < warmUp; i += 1) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  const started = performance.now();
  while (cpu.length < 5 || (cpu.length < 31 && performance.now() - started < budgetMs)) {
    const [c0, w0] = [cpuMs(), performance.now()];
    fn();
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - w0);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export function compileTimeRows(depths: readonly number[] = DEFAULT_DEPTHS): CompileRow[] {
  const rows: CompileRow[] = [];
  for (const style of ['layers', 'graph'] as const) {
    for (const depth of depths) {
      const text = generateSpec(style, depth);
      const lines = text.split('\n').length - 1;
      const errors = validateSpec(text).filter((d) => d.severity === 'error');
      if (errors.some((d) => d.code === TOO_LARGE)) {
        const refusal = timeMs(() => validateSpec(text)).cpu;
        rows.push({
          style,
          layers: depth,
          lines,
          validate: null,
          compile: null,
          note: `refused in ${refusal.toFixed(1)} ms: ${TOO_LARGE}, over the ${MAX_SPEC_ENTRIES.toLocaleString('en-US')}-entry spec limit (src/spec/limits.ts)`,
        });
        continue;
      }
      if (errors.length > 0) throw new Error(`${style} ${depth}: ${errors[0].message}`);
      rows.push({
        style,
        layers: depth,
        lines,
        validate: timeMs(() => validateSpec(text)),
        compile: timeMs(() => compileSpec(text, { seed: 1 })),
      });
    }
  }
  return rows;
}

const fmt = (ms: number | undefined, digits = 2) => (ms === undefined ? '—' : ms.toFixed(digits));

export function compileTable(rows: readonly CompileRow[]): string {
  const lines = [
    '| spec | layers | YAML lines | validate CPU ms | per layer | compile CPU ms | per layer | validate, compile wall ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const per = (t: Timing | null) => (t === null ? undefined : t.cpu / r.layers);
    lines.push(
      `| ${r.style} | ${r.layers.toLocaleString('en-US')} | ${r.lines.toLocaleString('en-US')} | ${fmt(r.validate?.cpu)} | ${fmt(per(r.validate), 3)} | ${fmt(r.compile?.cpu)} | ${fmt(per(r.compile), 3)} | ${fmt(r.validate?.wall)}, ${fmt(r.compile?.wall)} |`,
    );
  }
  const notes = rows
    .filter((r) => r.note)
    .map((r) => `- ${r.style}, ${r.layers} layers: ${r.note}`);
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const rows = compileTimeRows();
  console.log(
    `Compile time, ${WIDTH}-wide linear+relu layers, median CPU ms of this process after warm-up (wall clock in the last column; Node ${process.version}, load average ${loadavg()[0].toFixed(1)})\n`,
  );
  console.log(compileTable(rows));
}
