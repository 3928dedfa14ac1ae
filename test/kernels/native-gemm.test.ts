import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linearForwardReference } from '../../src/kernels/linear-wasm.js';
import { matmulReference } from '../../src/kernels/matmul.js';
import {
  createNativeGemm,
  createNativeLinear,
  createNativeMatmul,
  type NativeAddon,
} from '../../src/kernels/native/index.js';
import { signedUniform } from '../helpers/floats.js';
import { requireNativeAddon, sameBits, supportedIsas } from './native-addon.js';

let addon: NativeAddon;

beforeAll(() => {
  addon = requireNativeAddon();
});

afterEach(() => {
  addon.setIsa(addon.info().bestIsa);
});

/**
 * The float64 reference (matmulReference on float64 copies) and, per element, the sum of the
 * magnitudes of its terms: float32 summation of k terms is off by at most about k·2⁻²⁴ of that.
 */
function reference(
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array | null,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
) {
  const value = c0 ? Float64Array.from(c0) : new Float64Array(m * n);
  matmulReference(Float64Array.from(a), Float64Array.from(b), value, m, k, n, transA, transB, true);
  const magnitude = c0 ? Float64Array.from(c0, Math.abs) : new Float64Array(m * n);
  const abs = (x: Float32Array) => Float64Array.from(x, Math.abs);
  matmulReference(abs(a), abs(b), magnitude, m, k, n, transA, transB, true);
  return { value, magnitude };
}

function expectClose(
  got: Float32Array,
  { value, magnitude }: { value: Float64Array; magnitude: Float64Array },
  k: number,
  label: string,
) {
  const ulp = 2 ** -24;
  for (let i = 0; i < value.length; i++) {
    const bound = (k + 2) * ulp * magnitude[i] + 1e-30;
    if (!(Math.abs(got[i] - value[i]) <= bound)) {
      throw new Error(`${label}: element ${i} is ${got[i]}, expected ${value[i]} ± ${bound}`);
    }
  }
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 33],
  [7, 1, 5],
  [7, 33, 5],
  [33, 257, 17],
  [257, 7, 33],
  [65, 300, 129],
];

describe('native gemm', () => {
  it('matches the reference in every transpose variant, with and without accumulate', () => {
    for (const isa of supportedIsas(addon)) {
      expect(addon.setIsa(isa)).toBe(true);
      const matmul = createNativeMatmul({ threads: 1 })!;
      for (const [m, k, n] of SHAPES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const accumulate of [false, true]) {
              const seed = m * 7919 + k * 104729 + n;
              const a = signedUniform(m * k, seed);
              const b = signedUniform(k * n, seed + 1);
              const c0 = signedUniform(m * n, seed + 2);
              const out = c0.slice();
              matmul(a, b, out, m, k, n, transA, transB, accumulate);
              const label = `${isa} ${m}x${k}x${n} transA=${transA} transB=${transB} acc=${accumulate}`;
              expectClose(
                out,
                reference(a, b, accumulate ? c0 : null, m, k, n, transA, transB),
                k,
                label,
              );
            }
          }
        }
      }
    }
  });

  it('uses subarrays in place, at their offsets, and writes nothing outside out', () => {
    const [m, k, n] = [19, 45, 23];
    const bigA = signedUniform(m * k + 11, 1);
    const bigB = signedUniform(k * n + 5, 2);
    const bigOut = signedUniform(m * n + 20, 3);
    const before = bigOut.slice();
    const a = bigA.subarray(3, 3 + m * k);
    const b = bigB.subarray(5);
    const out = bigOut.subarray(7, 7 + m * n);
    const c0 = out.slice();
    createNativeMatmul()!(a, b, out, m, k, n, true, false, true);
    expectClose(out, reference(a, b, c0, m, k, n, true, false), k, 'subarrays');
    expect(bigOut.subarray(0, 7)).toEqual(before.subarray(0, 7));
    expect(bigOut.subarray(7 + m * n)).toEqual(before.subarray(7 + m * n));
  });

  it('gives the same bits whatever the thread count, call after call', () => {
    // Above the size where a product is split between threads; odd sizes give edge tiles.
    const [m, k, n] = [131, 300, 97];
    const a = signedUniform(m * k, 4);
    const b = signedUniform(k * n, 5);
    for (const [transA, transB] of [
      [false, false],
      [true, true],
    ] as const) {
      const expected = reference(a, b, null, m, k, n, transA, transB);
      for (const isa of supportedIsas(addon)) {
        addon.setIsa(isa);
        const results = [1, 2, 3, 4, 1].map((threads) => {
          const out = new Float32Array(m * n);
          createNativeMatmul({ threads })!(a, b, out, m, k, n, transA, transB, false);
          return out;
        });
        for (const result of results.slice(1)) expect(sameBits(result, results[0])).toBe(true);
        expectClose(results[0], expected, k, isa);
      }
    }
  });

  it('computes the same bits with AVX2 and AVX-512 (same fused multiply-adds in the same order)', () => {
    const fused = supportedIsas(addon).filter((isa) => isa !== 'generic');
    const [m, k, n] = [37, 600, 71];
    const a = signedUniform(m * k, 6);
    const b = signedUniform(k * n, 7);
    const outs = fused.map((isa) => {
      addon.setIsa(isa);
      const out = new Float32Array(m * n);
      createNativeMatmul()!(a, b, out, m, k, n, false, true, false);
      return out;
    });
    for (const out of outs.slice(1)) expect(sameBits(out, outs[0])).toBe(true);
  });

  it('fuses the bias and ReLU of a linear layer: the reference numbers, NaN kept, -0 made +0', () => {
    for (const [m, k, n] of [
      [5, 1, 3],
      [64, 784, 256],
      [9, 40, 37],
    ]) {
      const x = signedUniform(m * k, 8);
      const w = signedUniform(n * k, 9);
      const bias = signedUniform(n, 10);
      for (const activation of ['none', 'relu'] as const) {
        const expected = new Float32Array(m * n);
        linearForwardReference(x, w, bias, expected, m, k, n, activation);
        for (const isa of supportedIsas(addon)) {
          addon.setIsa(isa);
          const out = new Float32Array(m * n);
          createNativeLinear()!(x, w, bias, out, m, k, n, activation);
          const tolerance = (k + 3) * 2 ** -24 * (k + 1);
          for (let i = 0; i < m * n; i++) {
            if (!(Math.abs(out[i] - expected[i]) < tolerance)) {
              throw new Error(`${isa} ${activation} ${i}: ${out[i]}, expected ${expected[i]}`);
            }
          }
          if (activation === 'relu') expect(out.every((v) => v >= 0)).toBe(true);
        }
      }
    }
    for (const isa of supportedIsas(addon)) {
      addon.setIsa(isa);
      // One row of NaN, -0 and negative pre-activations; columns of a full tile and of an edge.
      const n = 40;
      const x = new Float32Array([1]);
      const w = Float32Array.from({ length: n }, (_, j) => [Number.NaN, -0, -1, 2][j % 4]);
      const out = new Float32Array(n);
      createNativeLinear()!(x, w, null, out, 1, 1, n, 'relu');
      for (let j = 0; j < n; j++) {
        const expected = [Number.NaN, 0, 0, 2][j % 4];
        expect(Object.is(out[j], expected), `${isa} relu of ${w[j]} gave ${out[j]}`).toBe(true);
      }
    }
  });

  it('adds bias after the accumulated sum in the general kernel', () => {
    const gemm = createNativeGemm()!;
    const [m, k, n] = [6, 3, 20];
    const a = signedUniform(m * k, 11);
    const b = signedUniform(k * n, 12);
    const bias = signedUniform(n, 13);
    const c0 = signedUniform(m * n, 14);
    const out = c0.slice();
    gemm(a, b, out, m, k, n, false, false, true, bias, 'relu');
    const expected = Float64Array.from(c0);
    matmulReference(
      Float64Array.from(a),
      Float64Array.from(b),
      expected,
      m,
      k,
      n,
      false,
      false,
      true,
    );
    for (let i = 0; i < m * n; i++) {
      const v = Math.max(expected[i] + bias[i % n], 0);
      expect(Math.abs(out[i] - v)).toBeLessThan(1e-5);
    }
  });

  it('handles empty products: k = 0 gives bias (or the old values), m or n = 0 writes nothing', () => {
    const gemm = createNativeGemm()!;
    const out = new Float32Array([5, -6, 7, 8]);
    gemm(new Float32Array(0), new Float32Array(0), out, 2, 0, 2, false, false, false, null, 'none');
    expect(out).toEqual(new Float32Array(4));
    out.set([5, -6, 7, 8]);
    gemm(
      new Float32Array(0),
      new Float32Array(0),
      out,
      2,
      0,
      2,
      false,
      false,
      true,
      new Float32Array([1, 2]),
      'relu',
    );
    expect(out).toEqual(new Float32Array([6, 0, 8, 10]));
    const untouched = new Float32Array([1, 2]);
    gemm(
      new Float32Array(0),
      new Float32Array(6),
      untouched,
      0,
      3,
      2,
      false,
      false,
      false,
      null,
      'none',
    );
    expect(untouched).toEqual(new Float32Array([1, 2]));
  });

  it('sends float64 operands to the reference kernels', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    const b = Float64Array.from([1e-10, 1, 1, 0]);
    const out = new Float64Array(4);
    createNativeMatmul()!(a, b, out, 2, 2, 2, false, false, false);
    expect(Array.from(out)).toEqual([2 + 1e-10, 1, 3e-10 + 4, 3]);
  });

  it('refuses operands too short for the sizes, naming the argument', () => {
    const matmul = createNativeMatmul()!;
    expect(() =>
      matmul(
        new Float32Array(5),
        new Float32Array(6),
        new Float32Array(4),
        2,
        3,
        2,
        false,
        false,
        false,
      ),
    ).toThrow(/a \(argument 0\) needs at least 6 elements, got 5/);
    expect(() =>
      matmul(
        new Float32Array(6),
        new Float32Array(6),
        new Float32Array(3),
        2,
        3,
        2,
        false,
        false,
        false,
      ),
    ).toThrow(RangeError);
    expect(() =>
      matmul(
        new Float32Array(6),
        new Float32Array(6),
        new Float32Array(4),
        2,
        3.5,
        2,
        false,
        false,
        false,
      ),
    ).toThrow(/k \(argument 4\) must be a whole number/);
    expect(() => createNativeMatmul({ threads: 0 })).toThrow(/threads must be a whole number >= 1/);
    expect(() => addon.setIsa('sse9' as 'generic')).toThrow(/unknown instruction set 'sse9'/);
  });
});
