import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps, Step } from './types.js';

const f32 = Math.fround;

export const BINARY_OPS = ['add', 'sub', 'mul', 'div'];

/**
 * How an operand of a binary op lines up with the result [rows, n]: the whole result, one row
 * repeated (a bias [n]), or a scalar. Other broadcasts are left to the interpreter.
 */
export type OperandKind = 'full' | 'row' | 'scalar';

export function operandKind(
  shape: readonly number[],
  outShape: readonly number[],
): OperandKind | null {
  const size = shape.reduce((a, b) => a * b, 1);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  if (size === outSize && shape.length === outShape.length) return 'full';
  if (size === 1) return 'scalar';
  const n = outShape[outShape.length - 1];
  if (size === n && shape[shape.length - 1] === n && shape.length <= outShape.length) return 'row';
  return null;
}

/** (row stride, column stride) of an operand of kind `kind` in a [rows, n] loop. */
function strides(kind: OperandKind, n: number): [number, number] {
  if (kind === 'full') return [n, 1];
  if (kind === 'row') return [0, 1];
  return [0, 0];
}

export function binarySteps(env: NodeEnv): NodeSteps {
  const [a, b] = env.inputs as Float32Array[];
  const out = env.out as Float32Array;
  const kinds = env.inShapes.map((s) => operandKind(s, env.shape) as OperandKind);
  const n = env.shape.length === 0 ? 1 : env.shape[env.shape.length - 1];
  const rows = out.length / n;
  const [sa, ja] = strides(kinds[0], n);
  const [sb, jb] = strides(kinds[1], n);
  const forward = [binaryForward(env.node.op, a, b, out, rows, n, sa, ja, sb, jb)];
  const g = env.outGrad;
  if (g === null) return { forward, backward: [] };
  const backward: Step[] = [];
  for (const operand of [0, 1]) {
    const grad = env.inGrads[operand];
    if (grad === null) continue;
    const t = gradTarget(grad, env.accumulate[operand], env.scratch);
    const term = gradTerm(env.node.op, operand, a, b, out, g, rows, n, sa, ja, sb, jb);
    const reduce = reduceTo(kinds[operand], t.dst, rows, n, term);
    backward.push(() => {
      reduce();
      t.finish();
    });
  }
  return { forward, backward };
}

function binaryForward(
  op: string,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  rows: number,
  n: number,
  sa: number,
  ja: number,
  sb: number,
  jb: number,
): Step {
  switch (op) {
    case 'add':
      return () => {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) out[r * n + j] = a[r * sa + j * ja] + b[r * sb + j * jb];
        }
      };
    case 'sub':
      return () => {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) out[r * n + j] = a[r * sa + j * ja] - b[r * sb + j * jb];
        }
      };
    case 'mul':
      return () => {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) out[r * n + j] = a[r * sa + j * ja] * b[r * sb + j * jb];
        }
      };
    default:
      return () => {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) out[r * n + j] = a[r * sa + j * ja] / b[r * sb + j * jb];
        }
      };
  }
}

/** The gradient of one operand at result element (r, j), before summing over broadcast axes. */
type Term = (r: number, j: number) => number;

function gradTerm(
  op: string,
  operand: number,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  g: Float32Array,
  _rows: number,
  n: number,
  sa: number,
  ja: number,
  sb: number,
  jb: number,
): Term {
  if (op === 'add' || (op === 'sub' && operand === 0)) return (r, j) => g[r * n + j];
  if (op === 'sub') return (r, j) => -g[r * n + j];
  if (op === 'mul') {
    return operand === 0
      ? (r, j) => g[r * n + j] * b[r * sb + j * jb]
      : (r, j) => g[r * n + j] * a[r * sa + j * ja];
  }
  return operand === 0
    ? (r, j) => g[r * n + j] / b[r * sb + j * jb]
    : (r, j) => -f32(f32(g[r * n + j] * out[r * n + j]) / b[r * sb + j * jb]);
}

/**
 * Sums the terms down to the operand's shape as sumToDims does: a row operand accumulates in
 * float32 row by row, a scalar in a double.
 */
function reduceTo(kind: OperandKind, dst: Float32Array, rows: number, n: number, term: Term): Step {
  if (kind === 'full') {
    return () => {
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) dst[r * n + j] = term(r, j);
    };
  }
  if (kind === 'row') {
    return () => {
      dst.fill(0);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) dst[j] += f32(term(r, j));
    };
  }
  return () => {
    let s = 0;
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) s += f32(term(r, j));
    dst[0] = s;
  };
}
