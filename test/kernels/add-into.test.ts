import { beforeAll, describe, expect, it } from 'vitest';
import { addInto, addIntoReference } from '../../src/kernels/add-into.js';
import type { WasmKernels } from '../../src/kernels/wasm/instance.js';
import { builtWasmKernels } from './wasm-build.js';

let kernels: WasmKernels;

beforeAll(() => {
  kernels = builtWasmKernels();
});

/** Magnitudes 2^-30..2^30, both signs, and specials: sums that round, cancel and overflow. */
function values(length: number, seed: number): Float32Array {
  const specials = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, 3.4e38];
  const out = new Float32Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 97 < specials.length ? specials[i % 97] : (s / 2 ** 31 - 1) * 2 ** ((s % 61) - 30);
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('addInto', () => {
  for (const n of [1024, 1027, 5000]) {
    it(`matches the JavaScript loop bit for bit (n=${n}), plain and resident arrays`, () => {
      const src = values(n, 2);
      const expected = values(n, 1);
      addIntoReference(expected, src);
      const plain = values(n, 1);
      addInto(plain, src);
      expect(bits(plain)).toEqual(bits(expected));
      const resident = kernels.residentFloat32(n);
      resident.set(values(n, 1));
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
