import { beforeAll, describe, expect, it } from 'vitest';
import {
  createWasmSgdUpdate,
  type SgdUpdateKernel,
  sgdUpdateReference,
} from '../../src/kernels/sgd.js';
import type { WasmKernels } from '../../src/kernels/wasm/instance.js';
import { sharedWorkerPool } from '../../src/kernels/wasm/pool.js';
import { awkwardFloats } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let kernels: WasmKernels;
let wasmUpdate: SgdUpdateKernel;

beforeAll(() => {
  kernels = builtWasmKernels();
  wasmUpdate = createWasmSgdUpdate() as SgdUpdateKernel;
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('wasm SGD update', () => {
  const lengths = [1, 3, 4, 5, 1023, 4096, 20_005];
  const settings = [
    { lr: 0.01, momentum: 0.9, keep: 1 },
    { lr: 0.3, momentum: 0.5, keep: 0.75 },
    { lr: 1e-4, momentum: 0.99, keep: 0.1 },
  ];

  for (const n of lengths) {
    for (const { lr, momentum, keep } of settings) {
      it(`matches the reference bit for bit with momentum (n=${n}, lr=${lr}, momentum=${momentum}, keep=${keep})`, () => {
        const p = awkwardFloats(n, 1);
        const g = awkwardFloats(n, 2);
        const b = awkwardFloats(n, 3);
        const [p2, b2] = [p.slice(), b.slice()];
        for (let step = 0; step < 3; step++) {
          sgdUpdateReference(p, g, b, lr, momentum, keep);
          wasmUpdate(p2, g, b2, lr, momentum, keep);
        }
        expect(bits(p2)).toEqual(bits(p));
        expect(bits(b2)).toEqual(bits(b));
      });
    }
    it(`matches the reference bit for bit without momentum (n=${n})`, () => {
      const p = awkwardFloats(n, 4);
      const g = awkwardFloats(n, 5);
      const p2 = p.slice();
      sgdUpdateReference(p, g, null, 0.05, 0, 1);
      wasmUpdate(p2, g, null, 0.05, 0, 1);
      expect(bits(p2)).toEqual(bits(p));
    });
  }

  it('changes the parameters by the expected amounts', () => {
    const p = Float32Array.from({ length: 8 }, (_, i) => i);
    const g = new Float32Array(8).fill(2);
    const b = new Float32Array(8).fill(1);
    wasmUpdate(p, g, b, 0.5, 0.9, 1);
    expect(Array.from(b)).toEqual(new Array(8).fill(Math.fround(2.9)));
    expect(Array.from(p)).toEqual(
      Array.from({ length: 8 }, (_, i) => Math.fround(i - 0.5 * Math.fround(2.9))),
    );
  });

  it('sends float64 arrays to the reference', () => {
    const p = Float64Array.from([1, 2, 3]);
    wasmUpdate(p, Float64Array.from([1, 1, 1]), null, 0.1, 0, 1);
    expect(Array.from(p)).toEqual([0.9, 1.9, 2.9]);
  });

  it('split between two threads, matches the reference bit for bit, and the worker takes part', () => {
    const pool = sharedWorkerPool(kernels, 1);
    expect(pool.waitUntilReady()).toBe(1);
    const threaded = createWasmSgdUpdate({ threads: 2 })!;
    const n = 200_003;
    const g = awkwardFloats(n, 7);
    const p = awkwardFloats(n, 8);
    const b = awkwardFloats(n, 9);
    const [p2, b2] = [p.slice(), b.slice()];
    const before = pool.blocksByWorkers;
    // A worker that wakes late leaves every block to the caller; over a few calls it gets some.
    const deadline = Date.now() + 10_000;
    let steps = 0;
    while (steps < 3 || (pool.blocksByWorkers === before && Date.now() < deadline)) {
      sgdUpdateReference(p, g, b, 0.01, 0.9, 1);
      threaded(p2, g, b2, 0.01, 0.9, 1);
      steps++;
    }
    expect(pool.blocksByWorkers).toBeGreaterThan(before);
    expect(bits(p2)).toEqual(bits(p));
    expect(bits(b2)).toEqual(bits(b));
  });
});
