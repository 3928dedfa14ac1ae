import { beforeAll, describe, expect, it } from 'vitest';
import {
  createNativeMaxPool2d,
  type MaxPool2dShape,
  maxPool2dOutputSize,
  type NativeMaxPool2dKernels,
} from '../../src/kernels/native/index.js';
import { awkwardFloats, signedUniform } from '../helpers/floats.js';
import { requireNativeAddon, sameBits } from './native-addon.js';

let pool: NativeMaxPool2dKernels;

beforeAll(() => {
  requireNativeAddon();
  pool = createNativeMaxPool2d({ threads: 2 })!;
});

function shape(partial: Partial<MaxPool2dShape>): MaxPool2dShape {
  return {
    batch: 2,
    channels: 3,
    height: 8,
    width: 8,
    kernelHeight: 2,
    kernelWidth: 2,
    strideHeight: 2,
    strideWidth: 2,
    padHeight: 0,
    padWidth: 0,
    dilationHeight: 1,
    dilationWidth: 1,
    ceilMode: false,
    ...partial,
  };
}

/** Max pooling from the definition: the first maximum of each window, NaN winning. */
function reference(s: MaxPool2dShape, x: Float32Array) {
  const [oh, ow] = maxPool2dOutputSize(s);
  const planes = s.batch * s.channels;
  const out = new Float32Array(planes * oh * ow);
  const argmax = new Int32Array(out.length);
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        for (let ki = 0; ki < s.kernelHeight; ki++) {
          const iy = oy * s.strideHeight - s.padHeight + ki * s.dilationHeight;
          if (iy < 0 || iy >= s.height) continue;
          for (let kj = 0; kj < s.kernelWidth; kj++) {
            const ix = ox * s.strideWidth - s.padWidth + kj * s.dilationWidth;
            if (ix < 0 || ix >= s.width) continue;
            const v = x[(p * s.height + iy) * s.width + ix];
            if (at < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              at = iy * s.width + ix;
            }
          }
        }
        out[(p * oh + oy) * ow + ox] = best;
        argmax[(p * oh + oy) * ow + ox] = at;
      }
    }
  }
  return { out, argmax };
}

describe('native max_pool2d', () => {
  it("has torch's output sizes, ceil_mode included (values from PyTorch 1.13)", () => {
    const cases: [number, number, number, number, number, boolean, number][] = [
      [7, 2, 2, 0, 1, true, 4],
      [7, 3, 2, 1, 1, true, 4],
      [6, 3, 2, 1, 1, true, 4],
      [9, 3, 3, 1, 2, true, 3],
      [5, 2, 2, 1, 1, true, 3],
      [10, 3, 2, 0, 2, false, 3],
      [1, 1, 1, 0, 1, true, 1],
    ];
    for (const [size, k, stride, pad, dilation, ceilMode, expected] of cases) {
      const s = shape({
        height: size,
        width: size,
        kernelHeight: k,
        kernelWidth: k,
        strideHeight: stride,
        strideWidth: stride,
        padHeight: pad,
        padWidth: pad,
        dilationHeight: dilation,
        dilationWidth: dilation,
        ceilMode,
      });
      expect(maxPool2dOutputSize(s)).toEqual([expected, expected]);
    }
  });

  it("picks torch's argmax: NaN wins a window, ties go to the first (PyTorch 1.13)", () => {
    const s = shape({ batch: 1, channels: 1, height: 2, width: 4 });
    const out = new Float32Array(2);
    const argmax = new Int32Array(2);
    pool.forward(Float32Array.from([1, Number.NaN, 3, 2, 0, 5, 5, 1]), out, argmax, s);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Array.from(argmax)).toEqual([1, 6]);
    pool.forward(Float32Array.from([5, 5, 3, 2, 5, 1, 4, 4]), out, argmax, s);
    expect(Array.from(out)).toEqual([5, 4]);
    expect(Array.from(argmax)).toEqual([0, 6]);
  });

  const CASES: [string, MaxPool2dShape][] = [
    ['2x2 stride 2 (MNIST)', shape({ batch: 4, channels: 8, height: 24, width: 24 })],
    [
      '3x3 stride 2 padding 1',
      shape({ kernelHeight: 3, kernelWidth: 3, padHeight: 1, padWidth: 1, height: 9, width: 7 }),
    ],
    [
      'dilation 2, ceil mode',
      shape({
        kernelHeight: 3,
        kernelWidth: 2,
        dilationHeight: 2,
        dilationWidth: 2,
        strideHeight: 3,
        height: 11,
        width: 10,
        ceilMode: true,
      }),
    ],
    [
      'overlapping windows, stride 1',
      shape({ kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1 }),
    ],
  ];
  for (const [name, s] of CASES) {
    it(`matches the definition, forward and backward: ${name}`, () => {
      const x = name.startsWith('overlapping')
        ? awkwardFloats(s.batch * s.channels * s.height * s.width, 3)
        : signedUniform(s.batch * s.channels * s.height * s.width, 4);
      const ref = reference(s, x);
      const out = new Float32Array(ref.out.length);
      const argmax = new Int32Array(ref.out.length);
      pool.forward(x, out, argmax, s);
      expect(sameBits(out, ref.out)).toBe(true);
      expect(argmax).toEqual(ref.argmax);

      // Overlapping windows route several gradients to one input: summed in output order.
      const gradOut = signedUniform(out.length, 5);
      const perPlane = out.length / (s.batch * s.channels);
      const route = (into: Float32Array) => {
        gradOut.forEach((g, i) => {
          into[Math.floor(i / perPlane) * s.height * s.width + ref.argmax[i]] += g;
        });
      };
      const expected = new Float32Array(x.length);
      route(expected);
      const gradX = new Float32Array(x.length).fill(Number.NaN);
      pool.backward(gradOut, argmax, gradX, s, false);
      expect(sameBits(gradX, expected)).toBe(true);
      pool.backward(gradOut, argmax, gradX, s, true);
      route(expected);
      expect(sameBits(gradX, expected)).toBe(true);
    });
  }

  it('refuses padding over half the kernel, empty outputs and short arrays', () => {
    const s = shape({});
    const out = new Float32Array(2 * 3 * 16);
    const argmax = new Int32Array(2 * 3 * 16);
    const x = new Float32Array(2 * 3 * 64);
    expect(() => pool.forward(x, out, argmax, { ...s, padHeight: 2 })).toThrow(
      /at most half the kernel/,
    );
    expect(() => pool.forward(x, out, argmax, { ...s, kernelHeight: 9 })).toThrow(
      /output would be empty/,
    );
    expect(() => pool.forward(x, out, new Int32Array(5), s)).toThrow(
      /argmax \(argument 2\) needs at least 96/,
    );
    expect(() => pool.forward(x, out, new Float32Array(96) as never, s)).toThrow(
      /must be an Int32Array/,
    );
  });
});
