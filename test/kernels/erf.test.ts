import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../../src/kernels/erf.js';

// Reference values from mpmath at 30 digits, rounded to the nearest float64.
const ERF: [number, number][] = [
  [0, 0],
  [1e-10, 1.1283791670955126e-10],
  [0.1, 0.1124629160182849],
  [0.46875, 0.49261347321793797],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [3.5, 0.9999992569016276],
  [-0.3, -0.3286267594591274],
  [-2.5, -0.999593047982555],
];

const ERFC: [number, number][] = [
  [0.1, 0.887537083981715],
  [0.5, 0.4795001221869535],
  [2, 0.004677734981047266],
  [4, 1.541725790028002e-8],
  [4.5, 1.9661604415428876e-10],
  [6, 2.1519736712498913e-17],
  [10, 2.088487583762545e-45],
  [20, 5.395865611607901e-176],
  [26, 5.663192408856143e-296],
  [-0.3, 1.3286267594591274],
  [-2.5, 1.999593047982555],
];

function relativeError(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs((got - want) / want);
}

describe("erf and erfc (Cody's rational approximations)", () => {
  it('agree with high-precision references to ~1e-15 relative', () => {
    for (const [x, want] of ERF) {
      expect(relativeError(erf(x), want), `erf(${x})`).toBeLessThan(1e-15);
    }
    for (const [x, want] of ERFC) {
      expect(relativeError(erfc(x), want), `erfc(${x})`).toBeLessThan(1e-15);
    }
  });

  it('are odd / reflected and saturate', () => {
    for (const x of [0.2, 0.7, 3, 5.5]) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
    }
    expect(erf(8)).toBe(1);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
    expect(erf(Number.NaN)).toBeNaN();
  });

  it('are continuous across the range boundaries 0.46875 and 4', () => {
    for (const b of [0.46875, 4]) {
      const below = erfc(b - 1e-12);
      const above = erfc(b + 1e-12);
      expect(relativeError(below, above)).toBeLessThan(1e-10);
    }
  });
});
