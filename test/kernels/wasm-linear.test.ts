import { beforeAll, describe, expect, it } from 'vitest';
import {
  createWasmLinear,
  type LinearActivation,
  type LinearForwardKernel,
  linearForwardReference,
} from '../../src/kernels/linear-wasm.js';
import { signedUniform } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let linear: LinearForwardKernel;

beforeAll(() => {
  builtWasmKernels();
  linear = createWasmLinear() as LinearForwardKernel;
});

/** Float64 x·wᵀ + bias, activation, and per element the sum of |terms| for the tolerance. */
function expected(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  m: number,
  k: number,
  n: number,
  activation: LinearActivation,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        s += x[i * k + p] * w[j * k + p];
        mag += Math.abs(x[i * k + p] * w[j * k + p]);
      }
      value[i * n + j] = activation === 'relu' ? Math.max(s, 0) : s;
      magnitude[i * n + j] = mag;
    }
  }
  return { value, magnitude };
}

function worstError(
  kernel: LinearForwardKernel,
  m: number,
  k: number,
  n: number,
  withBias: boolean,
  activation: LinearActivation,
): number {
  const x = signedUniform(m * k, m * 131 + k);
  const w = signedUniform(n * k, n * 17 + k);
  const bias = withBias ? signedUniform(n, n) : null;
  const out = signedUniform(m * n, 99);
  kernel(x, w, bias, out, m, k, n, activation);
  const { value, magnitude } = expected(x, w, bias, m, k, n, activation);
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    worst = Math.max(worst, Math.abs(out[i] - value[i]) / (magnitude[i] + 1e-30));
  }
  return worst;
}

const sizes = [1, 3, 17, 65];

describe('linear forward (x·wᵀ + bias, activation)', () => {
  for (const activation of ['none', 'relu'] as const) {
    for (const withBias of [false, true]) {
      it(`wasm agrees with float64, activation=${activation} bias=${withBias}`, () => {
        for (const m of sizes) {
          for (const k of sizes) {
            for (const n of sizes)
              expect(worstError(linear, m, k, n, withBias, activation)).toBeLessThan(1e-5);
          }
        }
        expect(worstError(linear, 130, 300, 37, withBias, activation)).toBeLessThan(1e-5);
      });
      it(`the reference agrees with float64, activation=${activation} bias=${withBias}`, () => {
        expect(worstError(linearForwardReference, 17, 65, 3, withBias, activation)).toBeLessThan(
          1e-5,
        );
      });
    }
  }

  it('matches a hand-worked layer with bias and ReLU', () => {
    const x = new Float32Array([1, 2, -1, 0.5]);
    const w = new Float32Array([1, 1, 2, -1, -3, 0]);
    const bias = new Float32Array([0.5, 0, 1]);
    const out = new Float32Array(6);
    linear(x, w, bias, out, 2, 2, 3, 'relu');
    // x·wᵀ = [[3, 0, -3], [-0.5, -2.5, 3]]; + bias = [[3.5, 0, -2], [0, -2.5, 4]].
    expect(Array.from(out)).toEqual([3.5, 0, 0, 0, 0, 4]);
  });

  it('keeps NaN through ReLU, as torch.relu does', () => {
    const out = new Float32Array(1);
    linear(new Float32Array([Number.NaN]), new Float32Array([1]), null, out, 1, 1, 1, 'relu');
    expect(out[0]).toBeNaN();
  });

  it('rejects a bias shorter than n, naming the shapes', () => {
    const call = () =>
      linear(
        new Float32Array(4),
        new Float32Array(6),
        new Float32Array(2),
        new Float32Array(6),
        2,
        2,
        3,
        'none',
      );
    expect(call).toThrow(/m=2 k=2 n=3/);
  });
});
