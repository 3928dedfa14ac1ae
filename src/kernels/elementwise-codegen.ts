import * as scalar from './activation.js';
import type { BroadcastLayout } from './broadcast.js';
import { erf, erfc } from './erf.js';
import type { NumArray } from './types.js';

/**
 * Loops compiled from formula strings (the rows of src/opdefs/elementwise.ts), one function per
 * formula, so each op gets its own monomorphic loop instead of a shared loop calling a closure
 * per element (V8 would inline only the first closure it saw there).
 *
 * Formulas are JavaScript expressions over the element values (`x` for a unary op, `a` and `b`
 * for a binary one), `out` (the result), `g` (the result's gradient), the op's attributes by
 * name, Math's functions, and the helpers below.
 */
export const FORMULA_HELPERS = {
  ...scalar,
  erf,
  erfc,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  max: Math.max,
  min: Math.min,
  pow: Math.pow,
  fround: Math.fround,
};

/** Rounds a derivative to the destination's precision before it scales the gradient. */
export type Rounding = (v: number) => number;
const identity: Rounding = (v) => v;
export const roundingFor = (dst: NumArray): Rounding =>
  dst instanceof Float32Array ? Math.fround : identity;

/** A function of `params` whose body may use the formula helpers and the attributes `A` by name. */
export function compileLoop<F>(params: string[], attrNames: readonly string[], body: string): F {
  const helpers = Object.keys(FORMULA_HELPERS).join(', ');
  const attrs = attrNames.length ? `const { ${attrNames.join(', ')} } = A;` : '';
  const source = `const { ${helpers} } = H;\nreturn function (${params.join(', ')}) {\n${attrs}\n${body}\n};`;
  return new Function('H', source)(FORMULA_HELPERS) as F;
}

export type UnaryForward = (X: NumArray, O: NumArray, A: object) => void;
/** D = g · R(derivative) over every element (the derivative in `d`), or D = grad (in `grad`). */
export type UnaryBackward = (
  X: NumArray,
  O: NumArray,
  G: NumArray,
  D: NumArray,
  A: object,
  R: Rounding,
) => void;

export function unaryForward(fn: string, attrNames: readonly string[]): UnaryForward {
  return compileLoop(
    ['X', 'O', 'A'],
    attrNames,
    `for (let i = 0; i < O.length; i++) { const x = X[i]; O[i] = ${fn}; }`,
  );
}

export function unaryBackward(
  gradient: { d: string } | { grad: string },
  attrNames: readonly string[],
): UnaryBackward {
  const expr = 'd' in gradient ? `g * R(${gradient.d})` : gradient.grad;
  return compileLoop(
    ['X', 'O', 'G', 'D', 'A', 'R'],
    attrNames,
    `for (let i = 0; i < D.length; i++) { const x = X[i], out = O[i], g = G[i]; D[i] = ${expr}; }`,
  );
}

/** Walks the runs of a broadcast layout; `step` is the statement for one element at (ia, ib, io). */
function walk(step: string, before = '', after = ''): string {
  return `{ const inner = L.inner, ja = L.ja, jb = L.jb, dims = L.dims, sa = L.sa, sb = L.sb, idx = L.index;
${before}
idx.fill(0);
let ia0 = 0, ib0 = 0, io = 0;
for (let r = 0; r < L.outer; r++) {
  for (let j = 0; j < inner; j++) { const ia = ia0 + j * ja, ib = ib0 + j * jb; ${step} io++; }
  for (let k = dims.length - 1; k >= 0; k--) {
    idx[k]++; ia0 += sa[k]; ib0 += sb[k];
    if (idx[k] < dims[k]) break;
    ia0 -= sa[k] * dims[k]; ib0 -= sb[k] * dims[k]; idx[k] = 0;
  }
}
${after} }`;
}

export type BinaryForward = (
  Av: NumArray,
  Bv: NumArray,
  O: NumArray,
  L: BroadcastLayout,
  A: object,
) => void;

export function binaryForward(fn: string, attrNames: readonly string[]): BinaryForward {
  return compileLoop(
    ['Av', 'Bv', 'O', 'L', 'A'],
    attrNames,
    walk(`const a = Av[ia], b = Bv[ib]; O[io] = ${fn};`),
  );
}

/**
 * The gradient of one operand of a broadcast binary op, written to D at the operand's shape:
 * straight when the operand has the result's size, else summed over the broadcast axes (each
 * term rounded to D's precision first, as a stored gradient would be), in a double for a scalar.
 */
export type BinaryBackward = (
  Av: NumArray,
  Bv: NumArray,
  O: NumArray,
  G: NumArray,
  D: NumArray,
  L: BroadcastLayout,
  A: object,
  R: Rounding,
) => void;

export function binaryBackward(
  grad: string,
  operand: 0 | 1,
  attrNames: readonly string[],
): BinaryBackward {
  const at = operand === 0 ? 'ia' : 'ib';
  const term = `const a = Av[ia], b = Bv[ib], out = O[io], g = G[io];`;
  return compileLoop(
    ['Av', 'Bv', 'O', 'G', 'D', 'L', 'A', 'R'],
    attrNames,
    `if (D.length === L.size) {
  ${walk(`${term} D[io] = ${grad};`)}
  return;
}
if (D.length === 1) {
  let s = 0;
  ${walk(`${term} s += R(${grad});`)}
  D[0] = s;
  return;
}
D.fill(0);
${walk(`${term} D[${at}] += R(${grad});`)}`,
  );
}
