// Training steps per second of the four benchmark workloads on modelspec, each model compiled
// from bench/workloads/<name>.yaml and trained through the public API (forward + loss,
// backward, SGD step with momentum 0.9, lr 0.01) on fixed random data.
// Run: npx tsx bench/workloads.ts [tiny small medium large]  (prints one JSON line per case).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileFile, SGD, setKernelThreads, type Tensor, tensor } from '../src/index.js';
import { measureStepRate, type StepRate, type StepRateOptions } from './step-rate.js';

export type WorkloadName = 'tiny' | 'small' | 'medium' | 'large';

export interface Workload {
  name: WorkloadName;
  /** Layer widths, input first: 2-8-1 is [2, 8, 1]. */
  widths: readonly number[];
  /** Activation after every hidden layer. */
  activation: 'tanh' | 'relu';
  /** 'bce': sigmoid output + binary cross-entropy on 0/1 floats; 'cross_entropy': logits + class ids. */
  loss: 'bce' | 'cross_entropy';
  batch: number;
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'tiny', widths: [2, 8, 1], activation: 'tanh', loss: 'bce', batch: 4 },
  { name: 'small', widths: [4, 16, 3], activation: 'relu', loss: 'cross_entropy', batch: 16 },
  {
    name: 'medium',
    widths: [784, 256, 128, 10],
    activation: 'relu',
    loss: 'cross_entropy',
    batch: 64,
  },
  {
    name: 'large',
    widths: [784, 1024, 1024, 10],
    activation: 'relu',
    loss: 'cross_entropy',
    batch: 128,
  },
];

export const LEARNING_RATE = 0.01;
export const MOMENTUM = 0.9;

export function workload(name: string): Workload {
  const found = WORKLOADS.find((w) => w.name === name);
  if (!found) {
    throw new Error(
      `unknown workload '${name}' (known: ${WORKLOADS.map((w) => w.name).join(', ')})`,
    );
  }
  return found;
}

export function workloadSpecPath(name: WorkloadName): string {
  return fileURLToPath(new URL(`./workloads/${name}.yaml`, import.meta.url));
}

/** Weights and biases of the layer stack. */
export function parameterCount(w: Workload): number {
  let count = 0;
  for (let i = 1; i < w.widths.length; i += 1) count += w.widths[i - 1] * w.widths[i] + w.widths[i];
  return count;
}

/** Uniform values in [0, 1) from a fixed seed (an LCG: the data only needs the right shape). */
export function fixedUniform(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/** One batch: x in [-1, 1), y as 0/1 floats [batch, 1] (bce) or int32 class ids [batch]. */
export function fixedBatch(w: Workload): { x: Float32Array; y: Float32Array | Int32Array } {
  const x = fixedUniform(w.batch * w.widths[0], 1).map((v) => 2 * v - 1);
  const u = fixedUniform(w.batch, 2);
  const classes = w.widths[w.widths.length - 1];
  const y =
    w.loss === 'bce'
      ? u.map((v) => (v < 0.5 ? 0 : 1))
      : Int32Array.from(u, (v) => Math.floor(v * classes));
  return { x, y };
}

/** fixedBatch as the tensors x and y of bench/workloads/<name>.yaml. */
export function fixedInputs(w: Workload): Record<string, Tensor> {
  const { x, y } = fixedBatch(w);
  return {
    x: tensor(x, { shape: [w.batch, w.widths[0]] }),
    y: tensor(y, { shape: w.loss === 'bce' ? [w.batch, 1] : [w.batch] }),
  };
}

/**
 * A fresh closure performing one training step of `w` on modelspec. Built anew for every case,
 * so V8 does not specialise one shared closure on the first case's captured values.
 */
export function modelspecStep(w: Workload): () => void {
  const model = compileFile(workloadSpecPath(w.name), { seed: 1 });
  const declared = model.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  if (declared !== parameterCount(w)) {
    throw new Error(
      `bench/workloads/${w.name}.yaml has ${declared} parameters; workload ${w.widths.join('-')} has ${parameterCount(w)}`,
    );
  }
  const inputs = fixedInputs(w);
  const opt = new SGD(model.parameters(), { lr: LEARNING_RATE, momentum: MOMENTUM });
  return () => {
    opt.zeroGrad();
    const loss = model.loss(inputs);
    loss.backward();
    opt.step();
    // Reading the loss back finishes the step, as tfjs's dataSync and torch's item() do.
    loss.item();
  };
}

export interface WorkloadRow {
  impl: string;
  workload: WorkloadName;
  /** null when the implementation is unavailable here (see `note`). */
  stepsPerSecond: number | null;
  /** By process CPU time (see StepRate); absent where it would mislead (several threads). */
  cpuStepsPerSecond?: number;
  /** Every timed window's wall-clock steps per second. */
  samples?: number[];
  note?: string;
}

const WARM_UP_ALL_STEPS = 20;

/** The implementation name of modelspec's rows at a thread count. */
export function modelspecImplName(threads: number): string {
  return `modelspec ${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * modelspec's steps/s on each workload with `threads` kernel threads. Every workload first runs
 * a few steps, so that no case profits from being the only shape V8 has seen when it optimises
 * the runtime.
 */
export function benchModelspecWorkloads(
  workloads: readonly Workload[] = WORKLOADS,
  options: StepRateOptions = {},
  onRow: (row: WorkloadRow) => void = () => {},
  threads = 1,
): WorkloadRow[] {
  setKernelThreads(threads);
  for (const w of workloads) {
    const step = modelspecStep(w);
    for (let i = 0; i < (w.name === 'large' ? 2 : WARM_UP_ALL_STEPS); i += 1) step();
  }
  return workloads.map((w) => {
    const rate: StepRate = measureStepRate(modelspecStep(w), options);
    const row = {
      impl: modelspecImplName(threads),
      workload: w.name,
      stepsPerSecond: rate.stepsPerSecond,
      cpuStepsPerSecond: rate.cpuStepsPerSecond,
      samples: rate.samples,
    };
    onRow(row);
    return row;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const names = process.argv.slice(2);
  const chosen = names.length > 0 ? names.map(workload) : WORKLOADS;
  for (const threads of [1, 2]) {
    benchModelspecWorkloads(
      chosen,
      {},
      (row) => process.stdout.write(`${JSON.stringify(row)}\n`),
      threads,
    );
  }
}
