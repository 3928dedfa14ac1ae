import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Conv1dShape,
  type Conv2dShape,
  conv1dAs2d,
  conv2dOutputSize,
  createNativeConv1d,
  createNativeConv2d,
  type NativeConvKernels,
} from '../../src/kernels/native/index.js';
import { signedUniform } from '../helpers/floats.js';
import { requireNativeAddon, sameBits } from './native-addon.js';

let conv: NativeConvKernels<Conv2dShape>;

beforeAll(() => {
  requireNativeAddon();
  conv = createNativeConv2d()!;
});

interface Exact {
  value: Float64Array;
  /** Per element, the sum of the magnitudes of its terms (scales the float32 tolerance). */
  magnitude: Float64Array;
}

function zeros(length: number): Exact {
  return { value: new Float64Array(length), magnitude: new Float64Array(length) };
}

/**
 * Direct convolution in float64, written from the definition (torch.nn.functional.conv2d): the
 * output, and the gradients of the input, weight and bias for a given gradient of the output.
 */
function referenceConv(
  s: Conv2dShape,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  gradOut: Float32Array,
) {
  const [oh, ow] = conv2dOutputSize(s);
  const cg = s.inChannels / s.groups;
  const ocg = s.outChannels / s.groups;
  const out = zeros(s.batch * s.outChannels * oh * ow);
  const gx = zeros(x.length);
  const gw = zeros(w.length);
  const gb = zeros(s.outChannels);
  const add = (e: Exact, i: number, v: number) => {
    e.value[i] += v;
    e.magnitude[i] += Math.abs(v);
  };
  for (let n = 0; n < s.batch; n++) {
    for (let o = 0; o < s.outChannels; o++) {
      const g = Math.floor(o / ocg);
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const oi = ((n * s.outChannels + o) * oh + oy) * ow + ox;
          if (bias) add(out, oi, bias[o]);
          add(gb, o, gradOut[oi]);
          for (let c = 0; c < cg; c++) {
            for (let ki = 0; ki < s.kernelHeight; ki++) {
              const iy = oy * s.strideHeight - s.padTop + ki * s.dilationHeight;
              if (iy < 0 || iy >= s.height) continue;
              for (let kj = 0; kj < s.kernelWidth; kj++) {
                const ix = ox * s.strideWidth - s.padLeft + kj * s.dilationWidth;
                if (ix < 0 || ix >= s.width) continue;
                const xi = ((n * s.inChannels + g * cg + c) * s.height + iy) * s.width + ix;
                const wi = ((o * cg + c) * s.kernelHeight + ki) * s.kernelWidth + kj;
                add(out, oi, x[xi] * w[wi]);
                add(gx, xi, gradOut[oi] * w[wi]);
                add(gw, wi, gradOut[oi] * x[xi]);
              }
            }
          }
        }
      }
    }
  }
  return { out, gx, gw, gb };
}

function expectClose(got: Float32Array, exact: Exact, terms: number, label: string) {
  expect(got.length, label).toBe(exact.value.length);
  for (let i = 0; i < got.length; i++) {
    const bound = (terms + 2) * 2 ** -24 * exact.magnitude[i] + 1e-30;
    if (!(Math.abs(got[i] - exact.value[i]) <= bound)) {
      throw new Error(`${label}: element ${i} is ${got[i]}, expected ${exact.value[i]} ± ${bound}`);
    }
  }
}

function shape(partial: Partial<Conv2dShape>): Conv2dShape {
  return {
    batch: 2,
    inChannels: 3,
    height: 7,
    width: 6,
    outChannels: 4,
    kernelHeight: 3,
    kernelWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    padTop: 0,
    padBottom: 0,
    padLeft: 0,
    padRight: 0,
    dilationHeight: 1,
    dilationWidth: 1,
    groups: 1,
    ...partial,
  };
}

const CASES: [string, Conv2dShape][] = [
  ['3x3, no padding', shape({})],
  [
    'stride 2, padding 1',
    shape({ strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }),
  ],
  [
    'uneven stride, padding per side',
    shape({ strideHeight: 3, strideWidth: 2, padTop: 2, padBottom: 0, padLeft: 1, padRight: 3 }),
  ],
  [
    'dilation 2',
    shape({ height: 9, width: 8, dilationHeight: 2, dilationWidth: 3, padLeft: 2, padRight: 2 }),
  ],
  ['groups', shape({ inChannels: 6, outChannels: 4, groups: 2, kernelHeight: 2, kernelWidth: 1 })],
  [
    'depthwise',
    shape({
      inChannels: 5,
      outChannels: 10,
      groups: 5,
      padTop: 1,
      padBottom: 1,
      padLeft: 1,
      padRight: 1,
    }),
  ],
  [
    '1x1 (the input as columns)',
    shape({ kernelHeight: 1, kernelWidth: 1, inChannels: 33, outChannels: 17 }),
  ],
  ['1x1 stride 2', shape({ kernelHeight: 1, kernelWidth: 1, strideHeight: 2, strideWidth: 2 })],
  ['one image, wide', shape({ batch: 1, height: 70, width: 65, inChannels: 2, outChannels: 9 })],
  ['MNIST conv2 size', shape({ batch: 2, inChannels: 32, outChannels: 64, height: 26, width: 26 })],
];

describe('native conv2d', () => {
  for (const [name, s] of CASES) {
    it(`matches a direct float64 convolution: ${name}`, () => {
      const [oh, ow] = conv2dOutputSize(s);
      const cg = s.inChannels / s.groups;
      const terms = cg * s.kernelHeight * s.kernelWidth;
      const x = signedUniform(s.batch * s.inChannels * s.height * s.width, 1);
      const w = signedUniform(s.outChannels * terms, 2);
      const bias = signedUniform(s.outChannels, 3);
      const gradOut = signedUniform(s.batch * s.outChannels * oh * ow, 4);
      const ref = referenceConv(s, x, w, bias, gradOut);

      const out = new Float32Array(gradOut.length);
      conv.forward(x, w, bias, out, s);
      expectClose(out, ref.out, terms + 1, `${name} forward`);
      const noBias = new Float32Array(gradOut.length);
      conv.forward(x, w, null, noBias, s);
      const perChannel = oh * ow;
      const channel = (i: number) => Math.floor(i / perChannel) % s.outChannels;
      const withoutBias: Exact = {
        value: ref.out.value.map((v, i) => v - bias[channel(i)]),
        magnitude: ref.out.magnitude.map((v, i) => v - Math.abs(bias[channel(i)])),
      };
      expectClose(noBias, withoutBias, terms, `${name} no bias`);

      const gx = new Float32Array(x.length).fill(Number.NaN);
      conv.backwardInput(gradOut, w, gx, s, false);
      expectClose(gx, ref.gx, s.outChannels * s.kernelHeight * s.kernelWidth, `${name} grad x`);

      const gw = new Float32Array(w.length).fill(Number.NaN);
      const gb = new Float32Array(s.outChannels).fill(Number.NaN);
      conv.backwardWeight(x, gradOut, gw, gb, s, false);
      expectClose(gw, ref.gw, s.batch * oh * ow, `${name} grad weight`);
      expectClose(gb, ref.gb, s.batch * oh * ow, `${name} grad bias`);
    });
  }

  it('accumulates into existing gradients when asked', () => {
    const s = CASES[1][1];
    const [oh, ow] = conv2dOutputSize(s);
    const x = signedUniform(s.batch * s.inChannels * s.height * s.width, 5);
    const w = signedUniform(s.outChannels * s.inChannels * 9, 6);
    const gradOut = signedUniform(s.batch * s.outChannels * oh * ow, 7);
    const once = {
      gx: new Float32Array(x.length),
      gw: new Float32Array(w.length),
      gb: new Float32Array(4),
    };
    conv.backwardInput(gradOut, w, once.gx, s, false);
    conv.backwardWeight(x, gradOut, once.gw, once.gb, s, false);
    const twice = {
      gx: once.gx.map((v) => v + 1),
      gw: once.gw.map((v) => v + 1),
      gb: once.gb.map((v) => v + 1),
    };
    conv.backwardInput(gradOut, w, twice.gx, s, true);
    conv.backwardWeight(x, gradOut, twice.gw, twice.gb, s, true);
    for (const key of ['gx', 'gw', 'gb'] as const) {
      for (let i = 0; i < twice[key].length; i++) {
        expect(Math.abs(twice[key][i] - (2 * once[key][i] + 1))).toBeLessThan(1e-5);
      }
    }
  });

  it('gives the same bits whatever the thread count', () => {
    // Large enough that the products and the column work are split between threads.
    const s = shape({
      batch: 4,
      inChannels: 16,
      outChannels: 24,
      height: 20,
      width: 20,
      padTop: 1,
      padBottom: 1,
      padLeft: 1,
      padRight: 1,
    });
    const [oh, ow] = conv2dOutputSize(s);
    const x = signedUniform(s.batch * s.inChannels * s.height * s.width, 8);
    const w = signedUniform(s.outChannels * s.inChannels * 9, 9);
    const gradOut = signedUniform(s.batch * s.outChannels * oh * ow, 10);
    const run = (threads: number) => {
      const c = createNativeConv2d({ threads })!;
      const out = new Float32Array(gradOut.length);
      const gx = new Float32Array(x.length);
      const gw = new Float32Array(w.length);
      const gb = new Float32Array(s.outChannels);
      c.forward(x, w, null, out, s);
      c.backwardInput(gradOut, w, gx, s, false);
      c.backwardWeight(x, gradOut, gw, gb, s, false);
      return [out, gx, gw, gb];
    };
    const one = run(1);
    for (const threads of [2, 3]) {
      const results = run(threads);
      results.forEach((result, i) => {
        expect(sameBits(result, one[i]), `threads=${threads}, result ${i}`).toBe(true);
      });
    }
  });

  it('refuses shapes torch refuses and arrays too short', () => {
    const s = shape({});
    const x = new Float32Array(2 * 3 * 7 * 6);
    const w = new Float32Array(4 * 3 * 9);
    const out = new Float32Array(2 * 4 * 5 * 4);
    expect(() => conv.forward(x, w, null, out, { ...s, groups: 2 })).toThrow(/groups must divide/);
    expect(() => conv.forward(x, w, null, out, { ...s, kernelHeight: 9 })).toThrow(
      /kernel is larger than the padded input/,
    );
    expect(() => conv.forward(x, w, null, out, { ...s, strideWidth: 0 })).toThrow(
      /stride and dilation must be >= 1/,
    );
    expect(() => conv.forward(x, w, null, out.subarray(1), s)).toThrow(
      /out \(argument 3\) needs at least 160 elements, got 159/,
    );
    expect(() => conv.forward(x, w, new Float32Array(3), out, s)).toThrow(
      /bias \(argument 2\) needs at least 4/,
    );
  });
});

describe('native conv1d', () => {
  it('is the 2-D convolution at height 1: forward and gradients match the reference', () => {
    const s1: Conv1dShape = {
      batch: 3,
      inChannels: 4,
      length: 29,
      outChannels: 6,
      kernelSize: 5,
      stride: 2,
      padLeft: 2,
      padRight: 1,
      dilation: 2,
      groups: 2,
    };
    const s = conv1dAs2d(s1);
    const conv1 = createNativeConv1d()!;
    const [, ol] = conv2dOutputSize(s);
    const x = signedUniform(3 * 4 * 29, 11);
    const w = signedUniform(6 * 2 * 5, 12);
    const bias = signedUniform(6, 13);
    const gradOut = signedUniform(3 * 6 * ol, 14);
    const ref = referenceConv(s, x, w, bias, gradOut);
    const out = new Float32Array(gradOut.length);
    conv1.forward(x, w, bias, out, s1);
    expectClose(out, ref.out, 11, 'conv1d forward');
    const gx = new Float32Array(x.length);
    conv1.backwardInput(gradOut, w, gx, s1, false);
    expectClose(gx, ref.gx, 30, 'conv1d grad x');
    const gw = new Float32Array(w.length);
    const gb = new Float32Array(6);
    conv1.backwardWeight(x, gradOut, gw, gb, s1, false);
    expectClose(gw, ref.gw, 3 * ol, 'conv1d grad weight');
    expectClose(gb, ref.gb, 3 * ol, 'conv1d grad bias');
  });
});
