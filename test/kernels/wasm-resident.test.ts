import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { matmulReference } from '../../src/kernels/matmul.js';
import { createWasmMatmul } from '../../src/kernels/matmul-wasm.js';
import type { WasmKernels } from '../../src/kernels/wasm/instance.js';
import { signedUniform } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let kernels: WasmKernels;

beforeAll(() => {
  kernels = builtWasmKernels();
});

/** A resident copy of `values`. */
function resident(values: Float32Array): Float32Array {
  const array = kernels.residentFloat32(values.length);
  array.set(values);
  return array;
}

describe('resident arrays', () => {
  it('are zeroed, disjoint, and known to live in wasm memory', () => {
    const a = kernels.residentFloat32(1000);
    const b = kernels.residentInt32(1000);
    expect(a.every((v) => v === 0) && b.every((v) => v === 0)).toBe(true);
    a.fill(1);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(kernels.offsetOf(a)).toBe(a.byteOffset);
    expect(kernels.offsetOf(b)).toBe(b.byteOffset);
    expect(kernels.offsetOf(new Float32Array(1000))).toBe(-1);
  });

  it('are used in place by the matmul, also after the memory has grown', () => {
    const matmul = createWasmMatmul()!;
    const [m, k, n] = [40, 30, 20];
    const a = resident(signedUniform(m * k, 1));
    const b = resident(signedUniform(k * n, 2));
    const out = kernels.residentFloat32(m * n);
    // Force a growth: a, b and out now view an older SharedArrayBuffer object.
    const before = kernels.memory.buffer.byteLength;
    const big = kernels.residentFloat32(before / 4 + 1);
    expect(kernels.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(kernels.offsetOf(a)).toBe(a.byteOffset);
    matmul(a, b, out, m, k, n, false, false, false);
    const expected = new Float32Array(m * n);
    matmulReference(a, b, expected, m, k, n, false, false, false);
    let worst = 0;
    for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(out[i] - expected[i]));
    expect(worst).toBeLessThan(1e-5);
    expect(big.length).toBeGreaterThan(0);
  });

  it('give their memory back once garbage collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const bytes = 8 << 20;
    const start = kernels.memory.buffer.byteLength;
    for (let i = 0; i < 40; i++) {
      kernels.residentFloat32(bytes / 4)[0] = i;
      gc();
      // Finalization callbacks run in a later task.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // Without reuse, 40 arrays of 8 MiB would have grown the memory by 320 MiB.
    expect(kernels.memory.buffer.byteLength - start).toBeLessThan(10 * bytes);
  });
});
