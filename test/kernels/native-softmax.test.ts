import { beforeAll, describe, expect, it } from 'vitest';
import {
  createNativeReductions,
  type NativeReductionKernels,
} from '../../src/kernels/native/index.js';
import { sumAxis } from '../../src/kernels/reduce.js';
import { logSoftmaxBackward, softmaxAxis, softmaxBackward } from '../../src/kernels/softmax.js';
import { signedUniform } from '../helpers/floats.js';
import { requireNativeAddon, sameBits } from './native-addon.js';

let native: NativeReductionKernels;

beforeAll(() => {
  requireNativeAddon();
  native = createNativeReductions({ threads: 2 })!;
});

/** |got - want| within a few float32 ulps of `scale` (the size of the terms that made want). */
function expectNear(
  got: Float32Array,
  want: Float64Array,
  scale: (i: number) => number,
  what: string,
) {
  for (let i = 0; i < got.length; i++) {
    const bound = 4 * 2 ** -24 * scale(i) + 1e-37;
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Math.abs(got[i] - want[i]) <= bound;
    if (!ok) throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]} ± ${bound}`);
  }
}

// Long rows go through the vector loops; 3 and 17 leave remainders; many rows split into tasks.
const SHAPES: [number, number][] = [
  [1, 1],
  [5, 3],
  [7, 17],
  [64, 10],
  [3, 1000],
  [2000, 65],
];

describe('native softmax over the last axis', () => {
  it('matches the float64 reference: softmax, log-softmax and both gradients', () => {
    for (const [rows, length] of SHAPES) {
      const dims = [rows, length];
      // Logits spread over ±30 so that some exponents are tiny.
      const x = signedUniform(rows * length, rows + length).map((v) => 30 * v);
      const g = signedUniform(rows * length, 7);
      for (const log of [false, true]) {
        const out = new Float32Array(x.length);
        native.softmaxAxis(x, dims, 1, out, log);
        const want = new Float64Array(x.length);
        softmaxAxis(Float64Array.from(x), dims, 1, want, log);
        // x - max is rounded to float32 (as torch does), so e^(x - max) is off by up to that
        // rounding, relative: the bound scales with |x| + |max| (log-softmax: absolute).
        const maxima = Array.from({ length: rows }, (_, r) =>
          Math.max(...x.subarray(r * length, (r + 1) * length)),
        );
        const rowMax = (i: number) => maxima[Math.floor(i / length)];
        const spread = (i: number) => Math.abs(x[i]) + Math.abs(rowMax(i)) + 4;
        expectNear(
          out,
          want,
          (i) => (log ? spread(i) + 15 : Math.abs(want[i]) * spread(i)),
          `${rows}x${length} log=${log}`,
        );

        const grad = new Float32Array(x.length);
        const wantGrad = new Float64Array(x.length);
        if (log) {
          native.logSoftmaxBackward(g, out, dims, 1, grad);
          logSoftmaxBackward(Float64Array.from(g), Float64Array.from(out), dims, 1, wantGrad);
        } else {
          native.softmaxBackward(g, out, dims, 1, grad);
          softmaxBackward(Float64Array.from(g), Float64Array.from(out), dims, 1, wantGrad);
        }
        // Both gradients are g minus a row's weighted sum of g (|g| <= 1): rounding of order length.
        expectNear(grad, wantGrad, () => 2 * length, `${rows}x${length} grad log=${log}`);
      }
    }
  });

  it('keeps NaN rows NaN and gives a row of -inf NaN, as the reference', () => {
    const x = Float32Array.from([1, Number.NaN, 2, -Infinity, -Infinity, -Infinity, 0, 1, 2]);
    const out = new Float32Array(9);
    native.softmaxAxis(x, [3, 3], 1, out, false);
    const want = new Float32Array(9);
    softmaxAxis(x, [3, 3], 1, want, false);
    expect(Array.from(out.subarray(0, 6)).every(Number.isNaN)).toBe(true);
    expect(Array.from(want.subarray(0, 6)).every(Number.isNaN)).toBe(true);
    for (let i = 6; i < 9; i++) expect(Math.abs(out[i] - want[i])).toBeLessThan(1e-7);
  });

  it('sends other axes to the reference', () => {
    const x = signedUniform(24, 3);
    const out = new Float32Array(24);
    const want = new Float32Array(24);
    native.softmaxAxis(x, [2, 3, 4], 1, out, true);
    softmaxAxis(x, [2, 3, 4], 1, want, true);
    expect(sameBits(out, want)).toBe(true);
  });
});

describe('native sum over the first axis', () => {
  it('gives the bits of sumAxis (a bias gradient), for any thread count', () => {
    for (const [rows, cols] of [
      [1, 1],
      [64, 10],
      [3, 1000],
      [300, 1025],
    ]) {
      const src = signedUniform(rows * cols, cols);
      const want = new Float32Array(cols);
      sumAxis(src, [rows, cols], 0, want);
      for (const threads of [1, 3]) {
        const out = new Float32Array(cols).fill(Number.NaN);
        createNativeReductions({ threads })!.sumAxis(src, [rows, cols], 0, out);
        expect(sameBits(out, want), `${rows}x${cols} threads=${threads}`).toBe(true);
      }
    }
  });
});
