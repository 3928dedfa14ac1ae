import { beforeAll, describe, expect, it } from 'vitest';
import { addIntoReference } from '../../src/kernels/add-into.js';
import {
  createNativeAddInto,
  createNativeMatmul,
  createNativeReluGrad,
  createNativeSgdUpdate,
} from '../../src/kernels/native/index.js';
import { reluGradReference } from '../../src/kernels/relu-grad.js';
import { sgdUpdateReference } from '../../src/kernels/sgd.js';
import { awkwardFloats, signedUniform } from '../helpers/floats.js';
import { requireNativeAddon, sameBits } from './native-addon.js';

beforeAll(() => {
  requireNativeAddon();
});

// 1 and 7 leave vector remainders; 300,000 is split between threads (64 Ki elements per task).
const LENGTHS = [1, 7, 1000, 300_000];

describe('native elementwise kernels: the same bits as the references', () => {
  it('SGD with and without momentum, on one thread and on several', () => {
    for (const n of LENGTHS) {
      for (const threads of [1, 3]) {
        const update = createNativeSgdUpdate({ threads })!;
        for (const withBuffer of [false, true]) {
          const param = signedUniform(n, n + 1);
          const grad = awkwardFloats(n, n + 2);
          const buffer = withBuffer ? signedUniform(n, n + 3) : null;
          const [p2, b2] = [param.slice(), buffer?.slice() ?? null];
          for (let step = 0; step < 3; step++) {
            update(param, grad, buffer, 0.01, 0.9, 0.75);
            sgdUpdateReference(p2, grad, b2, 0.01, 0.9, 0.75);
          }
          expect(sameBits(param, p2), `n=${n} threads=${threads} buffer=${withBuffer}`).toBe(true);
          if (buffer) expect(sameBits(buffer, b2!)).toBe(true);
        }
      }
    }
  });

  it('ReLU gradient (NaN, infinities, signed zeros included), in place too', () => {
    for (const n of LENGTHS) {
      const g = awkwardFloats(n, 4);
      const out = awkwardFloats(n, 5);
      const dst = new Float32Array(n);
      const expected = new Float32Array(n);
      createNativeReluGrad({ threads: 2 })!(g, out, dst);
      reluGradReference(g, out, expected);
      expect(sameBits(dst, expected), `n=${n}`).toBe(true);
      const inPlace = g.slice();
      createNativeReluGrad()!(inPlace, out, inPlace);
      expect(sameBits(inPlace, expected)).toBe(true);
    }
  });

  it('add into, at subarray offsets', () => {
    for (const n of LENGTHS) {
      const big = awkwardFloats(n + 3, 6);
      const dst = big.subarray(3);
      const src = awkwardFloats(n, 7);
      const expected = dst.slice();
      createNativeAddInto({ threads: 2 })!(dst, src);
      addIntoReference(expected, src);
      expect(sameBits(dst, expected), `n=${n}`).toBe(true);
    }
  });

  it('sends other array types and lengths to the references, and checks options', () => {
    const param = Float64Array.from([1, 2]);
    createNativeSgdUpdate()!(param, Float64Array.from([0.5, 1e-12]), null, 0.1, 0, 1);
    expect(Array.from(param)).toEqual([0.95, 2 - 1e-13]);
    expect(() => createNativeSgdUpdate({ thread: 2 } as never)).toThrow(/unknown option 'thread'/);
    expect(() => createNativeMatmul({ threads: 1.5 })).toThrow(/threads must be a whole number/);
  });
});
