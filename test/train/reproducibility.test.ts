import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec, SGD, setKernelThreads, tensor } from '../../src/index.js';
import { sharedWorkerPool } from '../../src/kernels/wasm/pool.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { builtWasmKernels } from '../kernels/wasm-build.js';

const dir = tempDir('repro');

const files = (runDir: string) => ({
  metrics: readFileSync(`${runDir}/${RUN_FILES.metrics}`, 'utf8'),
  checkpoint: readFileSync(`${runDir}/${RUN_FILES.checkpoint}`),
  spec: readFileSync(`${runDir}/${RUN_FILES.spec}`, 'utf8'),
});

describe('the same spec and seed', () => {
  // digits has dropout, momentum, weight decay, standardization and a validation split.
  it('give identical metrics.jsonl and checkpoint bytes, twice', async () => {
    const options = { specPath: 'specs/digits.yaml', epochs: 1 };
    await trainRun({ ...options, out: dir.join('a') });
    await trainRun({ ...options, out: dir.join('b') });
    const a = files(dir.join('a'));
    const b = files(dir.join('b'));
    expect(a.metrics.length).toBeGreaterThan(0);
    expect(b.metrics).toBe(a.metrics);
    expect(b.checkpoint.equals(a.checkpoint)).toBe(true);
    expect(b.spec).toBe(a.spec);
  });

  it('and another seed gives other weights and other metrics', async () => {
    await trainRun({ specPath: 'specs/digits.yaml', epochs: 1, seed: 3, out: dir.join('c') });
    const a = files(dir.join('a'));
    const c = files(dir.join('c'));
    expect(c.checkpoint.equals(a.checkpoint)).toBe(false);
    expect(c.metrics).not.toBe(a.metrics);
  });
});

describe('kernel threads', () => {
  // Big enough that every matmul of a step is split between threads (PARALLEL_MIN_FLOPS).
  const spec = `
modelspec: 1
name: wide
inputs:
  x: { shape: [batch, 300] }
  y: { shape: [batch], dtype: int32 }
layers:
  from: x
  to: logits
  stack: [{ linear: 200 }, relu, { linear: 100 }, relu, { linear: 10 }]
loss: cross_entropy(logits, y)
`;
  const batch = 96;
  const x = tensor(
    Float32Array.from({ length: batch * 300 }, (_, i) => Math.sin(i * 0.37)),
    { shape: [batch, 300] },
  );
  const y = tensor(
    Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10),
    { shape: [batch] },
  );

  /** Trains `steps` steps, or with `until`, at least that many and until `until()` holds. */
  function train(threads: number, steps: number, until = () => true) {
    setKernelThreads(threads);
    try {
      const model = compileSpec(spec, { seed: 5 });
      const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const deadline = Date.now() + 20_000;
      let done = 0;
      while (done < steps || (!until() && Date.now() < deadline)) {
        opt.zeroGrad();
        model.loss({ x, y }).backward();
        opt.step();
        done++;
      }
      return { steps: done, weights: model.parameters().map((p) => p.storage as Float32Array) };
    } finally {
      setKernelThreads(1);
    }
  }

  it('give the same weights bit for bit with one thread and with two', () => {
    const kernels = builtWasmKernels();
    const pool = sharedWorkerPool(kernels, 1);
    expect(pool.waitUntilReady()).toBe(1);
    const before = pool.blocksByWorkers;
    // The caller runs every block itself when its worker starts late (a busy machine can delay
    // the worker on any one call), so train until the worker has run some.
    const two = train(2, 4, () => pool.blocksByWorkers > before);
    expect(pool.blocksByWorkers).toBeGreaterThan(before);
    const one = train(1, two.steps);
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const same = two.weights.map((p, i) => bytes(p).equals(bytes(one.weights[i])));
    expect(same).toEqual([true, true, true, true, true, true]);
  });
});
