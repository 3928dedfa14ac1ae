import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFile, Rng, tensor } from '../../src/index.js';
import {
  BACKEND_NAMES,
  backendReport,
  createBackend,
  type KernelBackend,
  useKernelBackend,
} from '../../src/kernels/backend.js';
import { signedUniform } from '../helpers/floats.js';

// Every kernel backend that runs here against the reference backend (the oracle): the same
// contract, and numbers within float32 rounding (bit for bit where the backend promises it).

const reference = createBackend('reference', 1);
const available = BACKEND_NAMES.filter((name) => backendReport().unavailable[name] === undefined);

function close(got: Float32Array, want: Float32Array, k: number): void {
  const worst = got.reduce(
    (m, v, i) => Math.max(m, Math.abs(v - want[i]) / (1 + Math.abs(want[i]))),
    0,
  );
  expect(worst).toBeLessThan(4e-7 * Math.sqrt(k) + 1e-7);
}

describe.each(available.filter((n) => n !== 'reference'))('the %s backend', (name) => {
  for (const threads of [1, 2]) {
    const backend: KernelBackend = createBackend(name, threads);
    it(`matmul in every transpose, with and without accumulate (${threads} threads)`, () => {
      let seed = 3;
      for (const [m, k, n] of [
        [1, 1, 1],
        [7, 33, 5],
        [64, 96, 80],
        [130, 257, 65],
      ]) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const accumulate of [false, true]) {
              const a = signedUniform(m * k, seed++);
              const b = signedUniform(k * n, seed++);
              const c0 = signedUniform(m * n, seed++);
              const [got, want] = [c0.slice(), c0.slice()];
              backend.matmul(a, b, got, m, k, n, transA, transB, accumulate);
              reference.matmul(a, b, want, m, k, n, transA, transB, accumulate);
              close(got, want, k);
            }
          }
        }
      }
    });
    it(`the fused linear forward (${threads} threads)`, () => {
      let seed = 40;
      for (const act of ['none', 'relu'] as const) {
        const [m, k, n] = [33, 70, 41];
        const x = signedUniform(m * k, seed++);
        const w = signedUniform(n * k, seed++);
        const bias = signedUniform(n, seed++);
        const [got, want] = [new Float32Array(m * n), new Float32Array(m * n)];
        backend.linearForward(x, w, bias, got, m, k, n, act);
        reference.linearForward(x, w, bias, want, m, k, n, act);
        close(got, want, k);
      }
    });
  }
  const backend = createBackend(name, 2);
  it('relu gradient, accumulation and the SGD update, bit for bit', () => {
    let seed = 50;
    const n = 70_000;
    const [g, out] = [signedUniform(n, seed++), signedUniform(n, seed++)];
    const [d1, d2] = [new Float32Array(n), new Float32Array(n)];
    backend.reluGrad(g, out, d1);
    reference.reluGrad(g, out, d2);
    expect(d1).toEqual(d2);
    const [s1, s2] = [g.slice(), g.slice()];
    backend.addInto(s1, out);
    reference.addInto(s2, out);
    expect(s1).toEqual(s2);
    const [p1, p2, b1, b2] = [g.slice(), g.slice(), out.slice(), out.slice()];
    backend.sgdUpdate(p1, d1, b1, 0.1, 0.9, 1);
    reference.sgdUpdate(p2, d1, b2, 0.1, 0.9, 1);
    expect(p1).toEqual(p2);
    expect(b1).toEqual(b2);
  });
});

describe('a network on every backend', () => {
  afterAll(() => useKernelBackend(backendReport().name));
  it('gives the reference loss and gradients within float32 rounding', () => {
    const path = fileURLToPath(new URL('../../specs/digits.yaml', import.meta.url));
    const rng = new Rng(6);
    const x = tensor(
      Float32Array.from({ length: 32 * 64 }, () => rng.uniform() * 16),
      { shape: [32, 64] },
    );
    const y = tensor(Int32Array.from({ length: 32 }, () => Math.floor(rng.uniform() * 10)));
    const results = available.map((name) => {
      useKernelBackend(name);
      const model = compileFile(path, { seed: 1 });
      const loss = model.loss({ x, y });
      loss.backward();
      return {
        name,
        loss: loss.item(),
        grads: model.parameters().map((p) => p.grad!.storage as Float32Array),
      };
    });
    const want = results.find((r) => r.name === 'reference')!;
    for (const r of results) {
      expect(Math.abs(r.loss - want.loss), r.name).toBeLessThan(1e-5 * Math.abs(want.loss));
      for (const [i, g] of r.grads.entries()) close(g, want.grads[i], 256);
    }
  });
});

describe('choosing a backend', () => {
  const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  const report = (backend: string) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(entry)}); try { console.log(JSON.stringify(m.backendReport())); } catch (e) { console.log(e.message); }`,
      ],
      { env: { ...process.env, MODELSPEC_BACKEND: backend }, encoding: 'utf8' },
    ).trim();
  it('follows MODELSPEC_BACKEND, and refuses an unknown or unavailable one with the reason', () => {
    expect(JSON.parse(report('reference')).name).toBe('reference');
    expect(JSON.parse(report('')).name).toBe('wasm');
    expect(report('gpu')).toBe(
      'MODELSPEC_BACKEND=gpu is not a kernel backend (known: native, wasm, reference)',
    );
  });
});
