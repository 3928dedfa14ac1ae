import { beforeAll, describe, expect, it } from 'vitest';
import { addIntoWasm as addInto, addIntoReference } from '../../src/kernels/add-into.js';
import type { WasmKernels } from '../../src/kernels/wasm/instance.js';
import { awkwardFloats } from '../helpers/floats.js';
import { builtWasmKernels } from './wasm-build.js';

let kernels: WasmKernels;

beforeAll(() => {
  kernels = builtWasmKernels();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('addInto', () => {
  for (const n of [1024, 1027, 5000]) {
    it(`matches the JavaScript loop bit for bit (n=${n}), plain and resident arrays`, () => {
      const src = awkwardFloats(n, 2);
      const expected = awkwardFloats(n, 1);
      addIntoReference(expected, src);
      const plain = awkwardFloats(n, 1);
      addInto(plain, src);
      expect(bits(plain)).toEqual(bits(expected));
      const resident = kernels.residentFloat32(n);
      resident.set(awkwardFloats(n, 1));
      const residentSrc = kernels.residentFloat32(n);
      residentSrc.set(src);
      addInto(resident, residentSrc);
      expect(bits(resident)).toEqual(bits(expected));
    });
  }

  it('adds float64 arrays in float64', () => {
    const dst = Float64Array.from({ length: 2000 }, () => 0.1);
    addInto(
      dst,
      Float64Array.from({ length: 2000 }, () => 0.2),
    );
    expect(dst[1999]).toBe(0.1 + 0.2);
  });
});
