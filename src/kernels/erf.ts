/**
 * erf and erfc in float64, after W. J. Cody, "Rational Chebyshev approximations for the error
 * function", Math. Comp. 23 (1969) 631-637, as coded in his SPECFUN routine CALERF
 * (netlib.org/specfun/erf, 1990). Three rational approximations: |x| <= 0.46875 for erf,
 * 0.46875 < |x| <= 4 and |x| > 4 for erfc; maximal relative error about 1e-16 on each range.
 * The coefficients are written as the float64 values nearest to his 18-digit decimals.
 * JavaScript has no Math.erf; gelu needs one that is exact to float64 rounding.
 */

const A = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378, 0.016315387137302097,
];
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132,
  0.0023352049762686918,
];
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const THRESHOLD = 0.46875;

/** erf(x) for |x| <= THRESHOLD. */
function erfSmall(x: number): number {
  const ysq = x * x;
  let num = A[4] * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * ysq;
    den = (den + B[i]) * ysq;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/** erfc(y) for y > THRESHOLD. */
function erfcLarge(y: number): number {
  let r: number;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    r = (num + C[7]) / (den + D[7]);
  } else {
    if (y >= 27) return 0;
    const z = 1 / (y * y);
    let num = P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * z;
      den = (den + Q[i]) * z;
    }
    r = (ONE_OVER_SQRT_PI - (z * (num + P[4])) / (den + Q[4])) / y;
  }
  // exp(-y²) split as exp(-s²)·exp(-(y-s)(y+s)) with s = y rounded down to 1/16: keeps y² exact.
  const s = Math.trunc(y * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s)) * r;
}

export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= THRESHOLD) return erfSmall(x);
  if (Number.isNaN(y)) return Number.NaN;
  const e = 0.5 - erfcLarge(y) + 0.5;
  return x < 0 ? -e : e;
}

export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= THRESHOLD) return 1 - erfSmall(x);
  if (Number.isNaN(y)) return Number.NaN;
  const c = erfcLarge(y);
  return x < 0 ? 2 - c : c;
}
