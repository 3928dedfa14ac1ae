import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmLinear, type LinearForwardKernel } from '../../src/kernels/linear-wasm.js';
import type { MatmulKernel } from '../../src/kernels/matmul.js';
import { createWasmMatmul } from '../../src/kernels/matmul-wasm.js';
import { loadWasmKernels } from '../../src/kernels/wasm/instance.js';
import { BlockKernel, sharedWorkerPool, WorkerPool } from '../../src/kernels/wasm/pool.js';
import { signedUniform } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let single: MatmulKernel;
let threaded: MatmulKernel;
let linearSingle: LinearForwardKernel;
let linearThreaded: LinearForwardKernel;

beforeAll(() => {
  const kernels = builtWasmKernels();
  single = createWasmMatmul()!;
  threaded = createWasmMatmul({ threads: 2 })!;
  linearSingle = createWasmLinear()!;
  linearThreaded = createWasmLinear({ threads: 2 })!;
  // The threaded path only engages once a worker is up; these tests must exercise it.
  expect(sharedWorkerPool(kernels, 1).waitUntilReady()).toBe(1);
});

/** Positions where the two arrays differ bit for bit (Object.is, so NaN equals NaN). */
function differences(x: Float32Array, y: Float32Array): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) count++;
  return count;
}

describe('wasm kernels on two threads', () => {
  const shapes: [number, number, number][] = [
    [96, 96, 96],
    [130, 257, 97],
    [257, 64, 600],
    [5, 300, 300],
  ];

  for (const [m, k, n] of shapes) {
    it(`matmul ${m}×${k}·${k}×${n} is bit-identical to one thread in all four layouts`, () => {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const accumulate of [false, true]) {
            const a = signedUniform(m * k, m + k);
            const b = signedUniform(k * n, k + n);
            const start = signedUniform(m * n, 7);
            const one = start.slice();
            const two = start.slice();
            // Threaded first: the single-thread call leaves its result in the shared operand
            // area, which would hide rows a worker failed to write.
            threaded(a, b, two, m, k, n, transA, transB, accumulate);
            single(a, b, one, m, k, n, transA, transB, accumulate);
            expect(differences(one, two)).toBe(0);
            expect(differences(one, start)).toBe(m * n);
          }
        }
      }
    });
  }

  // Split by rows (m >= n), and by columns with an edge block narrower than the tile (n > m).
  for (const [m, k, n] of [
    [200, 150, 120],
    [64, 150, 301],
  ]) {
    it(`linear forward ${m}×${k}, ${n} outputs, with bias and ReLU is bit-identical to one thread`, () => {
      const x = signedUniform(m * k, 1);
      const w = signedUniform(n * k, 2);
      const bias = signedUniform(n, 3);
      const one = new Float32Array(m * n);
      const two = new Float32Array(m * n);
      linearThreaded(x, w, bias, two, m, k, n, 'relu');
      linearSingle(x, w, bias, one, m, k, n, 'relu');
      expect(differences(one, two)).toBe(0);
      expect(one.some((v) => v > 0)).toBe(true);
    });
  }

  it('kernels created with different thread counts share the pool and keep working', () => {
    const wider = createWasmMatmul({ threads: 4 })!;
    const [m, k, n] = [120, 100, 90];
    const a = signedUniform(m * k, 11);
    const b = signedUniform(k * n, 12);
    const expected = new Float32Array(m * n);
    single(a, b, expected, m, k, n, false, false, false);
    for (const kernel of [wider, threaded]) {
      const out = new Float32Array(m * n);
      kernel(a, b, out, m, k, n, false, false, false);
      expect(differences(out, expected)).toBe(0);
    }
  });

  it('hands blocks to a running worker', () => {
    const kernels = loadWasmKernels()!;
    const pool = sharedWorkerPool(kernels, 1);
    const before = pool.blocksByWorkers;
    const [m, k, n] = [256, 256, 256];
    const a = signedUniform(m * k, 21);
    const b = signedUniform(k * n, 22);
    const out = new Float32Array(m * n);
    // The caller runs every block itself when the worker starts late, which a busy machine can
    // make happen on any one call; over many calls the worker gets some.
    const deadline = Date.now() + 10_000;
    while (pool.blocksByWorkers === before && Date.now() < deadline) {
      threaded(a, b, out, m, k, n, false, false, false);
    }
    expect(pool.blocksByWorkers).toBeGreaterThan(before);
  });
});

describe('a worker that dies', () => {
  it('never makes the caller wait: the caller runs every block', () => {
    const kernels = loadWasmKernels()!;
    // Marks itself ready as a real worker does, then exits without ever claiming a job.
    const dying = `
      const { control, index, layout } = workerData;
      const ints = new Int32Array(control);
      Atomics.store(ints, layout.wordsPerWorker * index + layout.ready, 1);
      Atomics.notify(ints, layout.wordsPerWorker * index + layout.ready);
      process.exit(0);
    `;
    const pool = new WorkerPool(kernels, dying);
    pool.grow(1);
    expect(pool.waitUntilReady()).toBe(1);
    const [m, k, n] = [200, 48, 40];
    const a = signedUniform(m * k, 31);
    const b = signedUniform(k * n, 32);
    const expected = new Float32Array(m * n);
    single(a, b, expected, m, k, n, false, false, false);
    const [aOff, bOff, cOff] = kernels.place(
      [a, b, null],
      [m * k, k * n, m * n],
      [true, true, false],
    );
    for (let call = 0; call < 3; call++) {
      pool.run(BlockKernel.gemm, [aOff, bOff, cOff, m, k, n, 0, 0, 0], m, n, 2);
    }
    const out = new Float32Array(m * n);
    kernels.fetch(out, m * n, cOff);
    expect(differences(out, expected)).toBe(0);
    expect(pool.blocksByWorkers).toBe(0);
    expect(pool.missedJobs).toBe(3);
  });
});
