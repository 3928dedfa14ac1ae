import { beforeAll, describe, expect, it } from 'vitest';
import type { MatmulKernel } from '../../src/kernels/matmul.js';
import { createWasmMatmul } from '../../src/kernels/matmul-wasm.js';
import { lcg } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let matmul: MatmulKernel;

beforeAll(() => {
  builtWasmKernels();
  matmul = createWasmMatmul() as MatmulKernel;
});

/** A generator of values in [-1, 1), continuing across the arrays of one case. */
function seeded(seed: number): () => number {
  const next = lcg(seed);
  return () => next() / 2 ** 31 - 1;
}

function randomArray(len: number, rand: () => number): Float32Array {
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) out[i] = rand();
  return out;
}

/** Float64 reference with, per element, the sum of |products| to scale the tolerance. */
function reference(
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c0[i * n + j] : 0;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const x = a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j];
        s += x;
        mag += Math.abs(x);
      }
      value[i * n + j] = s;
      magnitude[i * n + j] = mag;
    }
  }
  return { value, magnitude };
}

function check(m: number, k: number, n: number, transA: boolean, transB: boolean, acc: boolean) {
  const rand = seeded(m * 7919 + k * 104729 + n * 31 + (transA ? 1 : 0) + (transB ? 2 : 0));
  const a = randomArray(m * k, rand);
  const b = randomArray(k * n, rand);
  const c0 = randomArray(m * n, rand);
  const out = c0.slice();
  matmul(a, b, out, m, k, n, transA, transB, acc);
  const { value, magnitude } = reference(a, b, c0, m, k, n, transA, transB, acc);
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    worst = Math.max(worst, Math.abs(out[i] - value[i]) / (magnitude[i] + 1e-30));
  }
  expect(worst).toBeLessThan(1e-5);
}

const sizes = [1, 3, 17, 63, 65, 129];
const transCombos: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('wasm matmul against a float64 reference', () => {
  for (const [transA, transB] of transCombos) {
    for (const accumulate of [false, true]) {
      it(`odd sizes, transA=${transA} transB=${transB} accumulate=${accumulate}`, () => {
        for (const m of sizes) {
          for (const k of sizes) {
            for (const n of sizes) check(m, k, n, transA, transB, accumulate);
          }
        }
      });
    }
  }

  it('crosses every cache block boundary (k > 256, m > 128, n > 512)', () => {
    for (const [transA, transB] of transCombos) {
      check(131, 300, 521, transA, transB, false);
      check(131, 300, 521, transA, transB, true);
    }
  });

  it('handles memory growth between calls of increasing size', () => {
    for (const size of [8, 200, 40, 400]) check(size, size, size, false, false, false);
  });
});

describe('wasm matmul edge cases', () => {
  it('writes zeros for k = 0 and keeps out when accumulating', () => {
    const out = new Float32Array([1, 2, 3, 4]);
    matmul(new Float32Array(0), new Float32Array(0), out, 2, 0, 2, false, false, true);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    matmul(new Float32Array(0), new Float32Array(0), out, 2, 0, 2, false, false, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('matches a hand-worked 2×3·3×2 product', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    const out = new Float32Array(4);
    matmul(a, b, out, 2, 3, 2, false, false, false);
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
  });

  it('reads only the leading m·k, k·n, m·n elements of longer arrays', () => {
    const a = new Float32Array([1, 2, 99]);
    const b = new Float32Array([3, 4, 99]);
    const out = new Float32Array([0, 77]);
    matmul(a, b, out, 1, 2, 1, false, false, false);
    expect(Array.from(out)).toEqual([11, 77]);
  });

  it('rejects arrays shorter than the shapes need, naming the shapes', () => {
    const out = new Float32Array(4);
    expect(() =>
      matmul(new Float32Array(3), new Float32Array(6), out, 2, 3, 2, false, false, false),
    ).toThrow(/m=2 k=3 n=2/);
  });

  it('computes in float64 through the reference when given Float64Array operands', () => {
    const a = new Float64Array([1 + 2 ** -40, 1]);
    const b = new Float64Array([1, 1]);
    const out = new Float64Array(1);
    matmul(a, b, out, 1, 2, 1, false, false, false);
    expect(out[0]).toBe(2 + 2 ** -40);
  });
});
