// Training steps per second of small recurrent language models (makemore's sizes: 27 tokens,
// 16 steps, 64 features, batch 32) on modelspec and on PyTorch, one thread each, in alternating
// rounds so that both see the same load. Each step: forward (recurrent layer, a linear head at
// every step, cross-entropy over every position), backward through time, SGD with momentum.
// Run: npx tsx bench/recurrent.ts [--rounds N] [--write]   (--write updates bench/RESULTS.md;
// MODELSPEC_BACKEND=native|wasm|reference picks modelspec's kernel backend)
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  compileSpec,
  Rng,
  randn,
  SGD,
  setKernelThreads,
  type Tensor,
  tensor,
} from '../src/index.js';
import { backendReport } from '../src/kernels/backend.js';
import { runJsonLines } from './json-lines.js';
import { PYTHON } from './peers/torch-mlp.js';
import { replaceBlocks } from './results-file.js';
import { measureStepRate, median, STEP_RATE_DEFAULTS } from './step-rate.js';
import { LEARNING_RATE, MOMENTUM } from './workloads.js';

interface RecurrentWorkload {
  name: string;
  cell: 'gru' | 'lstm' | 'rnn';
  /** Token ids through an embedding; false: fixed feature vectors in its place. */
  embedding: boolean;
  vocab: number;
  time: number;
  embed: number;
  hidden: number;
  batch: number;
}

const MAKEMORE = { embedding: false, vocab: 27, time: 16, embed: 64, batch: 32 };

const WORKLOADS: readonly RecurrentWorkload[] = [
  { name: 'GRU LM, hidden 64', cell: 'gru', hidden: 64, ...MAKEMORE },
  { name: 'LSTM LM, hidden 64', cell: 'lstm', hidden: 64, ...MAKEMORE },
  { name: 'GRU LM, hidden 256', cell: 'gru', hidden: 256, ...MAKEMORE },
];

function specOf(w: RecurrentWorkload): string {
  return `modelspec: 1
name: bench-${w.cell}-lm
inputs:
  x: {shape: [batch, ${w.time}, ${w.embed}]}
  y: {shape: [batch, ${w.time}], dtype: int32}
layers: {from: x, to: logits, stack: [{${w.cell}: ${w.hidden}}, {linear: ${w.vocab}}]}
loss: cross_entropy(reshape(logits, shape=[-1, ${w.vocab}]), reshape(y, shape=[-1]))
`;
}

function modelspecStep(w: RecurrentWorkload): () => void {
  const model = compileSpec(specOf(w), { seed: 1 });
  const rng = new Rng(1);
  const inputs: Record<string, Tensor> = {
    x: randn([w.batch, w.time, w.embed], { rng }),
    y: tensor(
      Int32Array.from({ length: w.batch * w.time }, () => rng.int(w.vocab)),
      { shape: [w.batch, w.time] },
    ),
  };
  const opt = new SGD(model.parameters(), { lr: LEARNING_RATE, momentum: MOMENTUM });
  return () => {
    opt.zeroGrad();
    const loss = model.loss(inputs);
    loss.backward();
    opt.step();
    loss.item();
  };
}

/** Wall-clock and CPU-time steps/s (see StepRate), per workload, for one implementation. */
type Rates = Map<string, { wall: number[]; cpu: number[] }>;

const emptyRates = (): Rates => new Map(WORKLOADS.map((w) => [w.name, { wall: [], cpu: [] }]));

/** One PyTorch process measuring every workload; adds its rates to `into`. */
async function torchRound(into: Rates): Promise<{ version: string | null; why?: string }> {
  const script = fileURLToPath(new URL('./peers/torch_recurrent.py', import.meta.url));
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  let version: string | null = null;
  const { status, stderr } = await runJsonLines<{
    workload?: string;
    stepsPerSecond?: number;
    cpuStepsPerSecond?: number;
    torch?: string;
  }>(
    PYTHON,
    [script, '1', JSON.stringify(WORKLOADS), JSON.stringify(STEP_RATE_DEFAULTS)],
    { env },
    (line) => {
      if (line.torch) version = line.torch;
      const rates = line.workload === undefined ? undefined : into.get(line.workload);
      if (rates && line.stepsPerSecond && line.cpuStepsPerSecond) {
        rates.wall.push(line.stepsPerSecond);
        rates.cpu.push(line.cpuStepsPerSecond);
        process.stderr.write(
          `PyTorch ${line.workload}: ${line.stepsPerSecond.toFixed(1)} steps/s\n`,
        );
      }
    },
  );
  return status === 0 ? { version } : { version, why: stderr.trim().split('\n').pop() };
}

function modelspecRound(into: Rates): void {
  for (const w of WORKLOADS) {
    const rate = measureStepRate(modelspecStep(w));
    const rates = into.get(w.name)!;
    rates.wall.push(rate.stepsPerSecond);
    rates.cpu.push(rate.cpuStepsPerSecond);
    process.stderr.write(`modelspec ${w.name}: ${rate.stepsPerSecond.toFixed(1)} steps/s\n`);
  }
}

const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(1));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 3;
  setKernelThreads(1);
  const loadBefore = loadavg()[0];
  const ours = emptyRates();
  const theirs = emptyRates();
  let torch: { version: string | null; why?: string } = { version: null };
  for (let round = 0; round < rounds; round++) {
    modelspecRound(ours);
    torch = await torchRound(theirs);
  }
  const rows = WORKLOADS.map((w) => {
    const [a, b] = [ours, theirs].map((r) => {
      const { wall, cpu } = r.get(w.name)!;
      return wall.length === 0 ? null : { wall: median(wall), cpu: median(cpu) };
    });
    const ratio = (x: number | undefined, y: number | undefined) =>
      x === undefined || y === undefined ? '—' : (x / y).toFixed(2);
    return `| ${w.name} | ${fixed(a?.wall ?? null)} | ${fixed(b?.wall ?? null)} | ${ratio(a?.wall, b?.wall)} | ${fixed(a?.cpu ?? null)} | ${fixed(b?.cpu ?? null)} | ${ratio(a?.cpu, b?.cpu)} |`;
  });
  const backend = backendReport();
  const body = [
    '## Recurrent language models',
    '',
    `Training steps/s on one thread each: modelspec (setKernelThreads(1), the ${backend.name} kernel backend: ${backend.reason}) and PyTorch ${torch.version ?? '(unavailable)'} (OMP/OpenBLAS capped at 1), median of ${rounds} alternating rounds of bench/step-rate.ts's protocol; by the wall clock and by process CPU time (the steadier figure on a loaded machine). bench/recurrent.ts and bench/peers/torch_recurrent.py (\`npx tsx bench/recurrent.ts --write\`). makemore's sizes: 27 tokens, 16 steps, 64 input features (fixed vectors in place of an embedding), batch 32; the recurrent layer (batch_first), a linear head at every step, cross-entropy over every position, SGD with momentum 0.9.`,
    '',
    '| workload | modelspec steps/s | PyTorch steps/s | ratio | modelspec CPU steps/s | PyTorch CPU steps/s | CPU ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `_Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, on ${availableParallelism()} shared CPUs${torch.why ? `; PyTorch failed: ${torch.why}` : ''}._`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  if (args.includes('--write')) {
    const path = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
    writeFileSync(path, replaceBlocks(readFileSync(path, 'utf8'), { recurrent: body }));
  }
}

await main();
