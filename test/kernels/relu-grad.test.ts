import { beforeAll, describe, expect, it } from 'vitest';
import { reluGradWasm as reluGradKernel, reluGradReference } from '../../src/kernels/relu-grad.js';
import type { WasmKernels } from '../../src/kernels/wasm/instance.js';
import { awkwardFloats } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let kernels: WasmKernels;

beforeAll(() => {
  kernels = builtWasmKernels();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('ReLU gradient kernel', () => {
  for (const n of [64, 67, 1000]) {
    it(`on resident arrays matches the reference bit for bit (n=${n}, NaN, ±0, ±Infinity included)`, () => {
      const g = kernels.residentFloat32(n);
      const out = kernels.residentFloat32(n);
      const dst = kernels.residentFloat32(n);
      g.set(awkwardFloats(n, 1));
      out.set(awkwardFloats(n, 4));
      reluGradKernel(g, out, dst);
      const expected = new Float32Array(n);
      reluGradReference(g, out, expected);
      expect(bits(dst)).toEqual(bits(expected));
    });
  }

  it('is g where the output is positive and a signed zero (or NaN) elsewhere', () => {
    const g = Float32Array.from([2, -3, 4, Number.NaN, -5, Infinity]);
    const out = Float32Array.from([1, 0.5, 0, 1, -0, -1]);
    const dst = new Float32Array(6);
    reluGradKernel(g, out, dst);
    expect(Array.from(dst)).toEqual([2, -3, 0, Number.NaN, -0, Number.NaN]);
  });
});
