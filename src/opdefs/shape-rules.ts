import { type DType, promote } from '../tensor/dtype.js';
import {
  broadcastShapes,
  type Dim,
  divideDim,
  formatShape,
  normalizeAxis,
  productOf,
  sumOf,
} from './dims.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import type { Attrs, AttrValue, InferMode, ValueInfo } from './types.js';

/** Shape and dtype rules shared by the ops of the catalogue. Each throws a ShapeIssue. */

function mismatchCode(a: Dim, b: Dim, otherwise: string): string {
  return typeof a === 'string' || typeof b === 'string' ? CODES.symbolic : otherwise;
}

function unprovable(a: Dim, b: Dim): string {
  return typeof a === 'string' || typeof b === 'string' ? ' cannot be proven equal' : ' differ';
}

const isFloat = (dtype: DType) => dtype === 'float32' || dtype === 'float64';

/**
 * The dtype of an op whose result is float (exp, div, matmul, losses). Compiling, each operand
 * listed in `names` must already be float32; at run time ints become float32 and floats promote.
 */
export function floatDtype(
  op: string,
  args: readonly ValueInfo[],
  names: readonly string[],
  mode: InferMode,
): DType {
  args.forEach((arg, i) => {
    if (mode === 'compile' && arg.dtype !== 'float32') {
      throw new ShapeIssue(
        CODES.dtype,
        `${op} needs a float32 ${names[i] ?? 'operand'}, got ${arg.dtype} ${formatShape(arg.shape)}`,
        i,
      );
    }
  });
  const dtype = args.map((a) => a.dtype).reduce(promote);
  return isFloat(dtype) ? dtype : 'float32';
}

/**
 * The dtype of an op that keeps its operands' dtype (add, concat, relu): compiling, all must
 * agree; at run time they promote (int32 < float32 < float64).
 */
export function commonDtype(op: string, args: readonly ValueInfo[], mode: InferMode): DType {
  const first = args[0].dtype;
  const other = args.findIndex((a) => a.dtype !== first);
  if (other >= 0 && mode === 'compile') {
    throw new ShapeIssue(
      CODES.dtype,
      `${op} mixes ${first} and ${args[other].dtype} operands (no implicit casts; declare the input as float32)`,
      other,
    );
  }
  return args.map((a) => a.dtype).reduce(promote);
}

/** An operand that must hold integers (class indices, token ids). */
export function requireInt(op: string, arg: ValueInfo, what: string, operand: number): void {
  if (arg.dtype !== 'int32') {
    throw new ShapeIssue(
      CODES.dtype,
      `${op} needs int32 ${what}, got ${arg.dtype} ${formatShape(arg.shape)} (declare the input with dtype: int32)`,
      operand,
    );
  }
}

export function broadcast(op: string, a: ValueInfo, b: ValueInfo): Dim[] {
  const result = broadcastShapes(a.shape, b.shape);
  if ('shape' in result) return result.shape;
  const { axis, left, right, symbolic } = result.mismatch;
  throw new ShapeIssue(
    symbolic ? CODES.symbolic : CODES.broadcast,
    `${op} shapes do not broadcast: ${formatShape(a.shape)} and ${formatShape(b.shape)} (axis ${axis}: ${left} vs ${right}${symbolic ? ', which cannot be proven equal' : ''})`,
  );
}

/** A scalar accepts axis 0 and -1, meaning the scalar itself (as torch). */
export function axisOf(op: string, name: string, axis: number, x: ValueInfo, operand = 0): number {
  const n =
    x.shape.length === 0 && (axis === 0 || axis === -1) ? 0 : normalizeAxis(axis, x.shape.length);
  if (n === undefined) {
    throw new ShapeIssue(
      CODES.axis,
      `${op}: ${name}=${axis} is out of range for a ${x.shape.length}-D tensor ${formatShape(x.shape)}`,
      operand,
      true,
    );
  }
  return n;
}

export function requireRank(
  op: string,
  x: ValueInfo,
  min: number,
  what: string,
  operand = 0,
): void {
  if (x.shape.length < min) {
    throw new ShapeIssue(CODES.axis, `${op} needs ${what}, got ${formatShape(x.shape)}`, operand);
  }
}

/** torch.matmul: 1-D operands get a 1 prepended (left) or appended (right), removed afterwards. */
export function matmulShape(a: ValueInfo, b: ValueInfo): Dim[] {
  if (a.shape.length === 0 || b.shape.length === 0) {
    throw new ShapeIssue(
      CODES.axis,
      `matmul needs tensors of at least 1 axis, got ${formatShape(a.shape)} @ ${formatShape(b.shape)} (use * for scalars)`,
    );
  }
  const left = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const inner = [left[left.length - 1], right[right.length - 2]];
  if (inner[0] !== inner[1]) {
    throw new ShapeIssue(
      mismatchCode(inner[0], inner[1], CODES.contraction),
      `matmul shapes do not fit: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (inner dims ${inner[0]} and ${inner[1]}${unprovable(inner[0], inner[1])})`,
    );
  }
  const batchA = left.slice(0, -2);
  const batchB = right.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  if ('mismatch' in batch) {
    const { left: l, right: r, symbolic } = batch.mismatch;
    throw new ShapeIssue(
      symbolic ? CODES.symbolic : CODES.broadcast,
      `matmul batch dims do not broadcast: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${l} vs ${r}${unprovable(l, r)})`,
    );
  }
  const shape = [...batch.shape, left[left.length - 2], right[right.length - 1]];
  if (b.shape.length === 1) shape.splice(shape.length - 1, 1);
  if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return shape;
}

/** F.linear: x [..., in], weight [out, in], bias [out] -> [..., out]. */
export function linearShape(x: ValueInfo, weight: ValueInfo, bias: ValueInfo | undefined): Dim[] {
  requireRank('linear', x, 1, 'an input of at least 1 axis', 0);
  if (weight.shape.length !== 2) {
    throw new ShapeIssue(
      CODES.axis,
      `linear needs a 2-D weight [out, in], got ${formatShape(weight.shape)}`,
      1,
    );
  }
  const [out, inFeatures] = weight.shape;
  const xIn = x.shape[x.shape.length - 1];
  if (xIn !== inFeatures) {
    throw new ShapeIssue(
      mismatchCode(xIn, inFeatures, CODES.contraction),
      `linear shapes do not fit: input ${formatShape(x.shape)} with weight ${formatShape(weight.shape)} (in features ${xIn} and ${inFeatures}${unprovable(xIn, inFeatures)})`,
    );
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== out)) {
    throw new ShapeIssue(
      bias.shape.length === 1
        ? mismatchCode(bias.shape[0], out, CODES.contraction)
        : CODES.contraction,
      `linear needs a bias of shape [${out}] for weight ${formatShape(weight.shape)}, got ${formatShape(bias.shape)}`,
      2,
    );
  }
  return [...x.shape.slice(0, -1), out];
}

export function transposeShape(x: ValueInfo, attrs: Attrs): Dim[] {
  requireRank('transpose', x, 2, 'at least 2 axes', 0);
  const a = axisOf('transpose', 'axis0', attrs.axis0 as number, x);
  const b = axisOf('transpose', 'axis1', attrs.axis1 as number, x);
  const shape = [...x.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  return shape;
}

export function reshapeShape(x: ValueInfo, attrs: Attrs): Dim[] {
  const target = attrs.shape as number[];
  const wildcards = target.filter((d) => d === -1).length;
  if (wildcards > 1 || target.some((d) => d < -1)) {
    throw new ShapeIssue(
      CODES.reshape,
      `reshape: shape ${formatShape(target)} may hold sizes >= 0 and at most one -1`,
    );
  }
  const count = productOf(x.shape);
  const known = productOf(target.filter((d) => d !== -1));
  if (wildcards === 0) {
    if (known !== count) {
      throw new ShapeIssue(
        CODES.reshape,
        `reshape cannot turn ${formatShape(x.shape)} (${count} elements) into ${formatShape(target)} (${known} elements)`,
      );
    }
    return [...target];
  }
  const rest = divideDim(count, known);
  if (rest === undefined) {
    throw new ShapeIssue(
      CODES.reshape,
      `reshape cannot turn ${formatShape(x.shape)} (${count} elements) into ${formatShape(target)}: ${count} is not provably a multiple of ${known}`,
    );
  }
  return target.map((d) => (d === -1 ? rest : d));
}

export function flattenShape(x: ValueInfo, attrs: Attrs): Dim[] {
  if (x.shape.length === 0) return [1];
  if (x.shape.length === 1 && attrs.start_axis === 1) {
    throw new ShapeIssue(
      CODES.axis,
      `flatten: start_axis=1 is out of range for the 1-D tensor ${formatShape(x.shape)} (flatten keeps axis 0 as the batch axis; pass start_axis=0, startAxis: 0 in the Tensor API, to flatten everything)`,
      0,
      true,
    );
  }
  const start = axisOf('flatten', 'start_axis', attrs.start_axis as number, x);
  const end = axisOf('flatten', 'end_axis', attrs.end_axis as number, x);
  if (start > end) {
    throw new ShapeIssue(
      CODES.axis,
      `flatten: start_axis ${attrs.start_axis} comes after end_axis ${attrs.end_axis} for ${formatShape(x.shape)}`,
    );
  }
  return [
    ...x.shape.slice(0, start),
    productOf(x.shape.slice(start, end + 1)),
    ...x.shape.slice(end + 1),
  ];
}

/**
 * How shape `a` differs from `b` axis by axis (axis `skip` aside): undefined when equal.
 * `symbolic` when every difference involves a symbol, i.e. the sizes may agree but cannot be
 * proven to; `note` then names them for the message.
 */
function difference(
  a: readonly Dim[],
  b: readonly Dim[],
  skip = -1,
): { symbolic: boolean; note: string } | undefined {
  if (a.length !== b.length) return { symbolic: false, note: '' };
  const pairs = a.flatMap((d, k) => (k !== skip && d !== b[k] ? [[d, b[k]]] : []));
  if (pairs.length === 0) return undefined;
  const symbolic = pairs.every(([x, y]) => typeof x === 'string' || typeof y === 'string');
  const listed = pairs.map(([x, y]) => `${x} vs ${y}`).join(', ');
  return { symbolic, note: symbolic ? ` (${listed} cannot be proven equal)` : '' };
}

export function concatShape(parts: readonly ValueInfo[], attrs: Attrs): Dim[] {
  const first = parts[0];
  requireRank('concat', first, 1, 'tensors of at least 1 axis');
  const axis = axisOf('concat', 'axis', attrs.axis as number, first);
  parts.forEach((part, i) => {
    const diff = difference(part.shape, first.shape, axis);
    if (diff) {
      throw new ShapeIssue(
        diff.symbolic ? CODES.symbolic : CODES.concat,
        `concat along axis ${attrs.axis}: tensor ${i} of shape ${formatShape(part.shape)} does not fit tensor 0 of shape ${formatShape(first.shape)} (all axes but the concat axis must agree)${diff.note}`,
        i,
      );
    }
  });
  const shape = [...first.shape];
  shape[axis] = sumOf(parts.map((p) => p.shape[axis]));
  return shape;
}

function sliceLength(dim: Dim, start: number, end: number | null, step: number): Dim {
  if (typeof dim === 'number') {
    const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + dim : i, 0), dim);
    const from = clampIndex(start);
    const to = end === null ? dim : clampIndex(end);
    return Math.max(0, Math.ceil((to - from) / step));
  }
  if (start === 0 && end === null && step === 1) return dim;
  // A symbolic axis is assumed to be at least `end` long, as a slice of a batch usually is.
  if (start >= 0 && end !== null && end >= 0) return Math.max(0, Math.ceil((end - start) / step));
  const base = /^[A-Za-z0-9_]+$/.test(dim) ? dim : `(${dim})`;
  return `${base}[${start}:${end ?? ''}${step === 1 ? '' : `:${step}`}]`;
}

export function sliceShape(x: ValueInfo, attrs: Attrs): Dim[] {
  requireRank('slice', x, 1, 'a tensor of at least 1 axis');
  const axis = axisOf('slice', 'axis', attrs.axis as number, x);
  const shape = [...x.shape];
  shape[axis] = sliceLength(
    shape[axis],
    attrs.start as number,
    attrs.end as number | null,
    attrs.step as number,
  );
  return shape;
}

export function reduceShape(op: string, x: ValueInfo, attrs: Attrs): Dim[] {
  const keepdim = attrs.keepdim as boolean;
  if (attrs.axis === null) return keepdim ? x.shape.map(() => 1) : [];
  const axis = axisOf(op, 'axis', attrs.axis as number, x);
  return keepdim
    ? x.shape.map((d, k) => (k === axis ? 1 : d))
    : x.shape.filter((_, k) => k !== axis);
}

/** Shape of a loss: a scalar when reduced, else one value per element (per target for class losses). */
function lossShape(reduction: AttrValue, perElement: readonly Dim[]): Dim[] {
  return reduction === 'none' ? [...perElement] : [];
}

/** mse_loss and friends: input and target of one shape, both float. */
export function pairwiseLoss(
  op: string,
  [input, target]: readonly ValueInfo[],
  attrs: Attrs,
  mode: InferMode,
): ValueInfo {
  // Unlike other float ops, losses refuse int32 even at run time (as torch does).
  const dtype = floatDtype(op, [input, target], ['input', 'target'], mode);
  [input, target].forEach((arg, i) => {
    if (arg.dtype === 'int32') {
      throw new ShapeIssue(
        CODES.dtype,
        `${op} needs a float ${i === 0 ? 'input' : 'target'}, got int32 ${formatShape(arg.shape)}`,
        i,
      );
    }
  });
  const diff = difference(input.shape, target.shape);
  if (diff) {
    throw new ShapeIssue(
      diff.symbolic ? CODES.symbolic : CODES.lossTarget,
      `${op} needs input and target of one shape, got ${formatShape(input.shape)} and ${formatShape(target.shape)}${diff.note}`,
      1,
    );
  }
  return { shape: lossShape(attrs.reduction, input.shape), dtype };
}

/** cross_entropy / nll_loss: scores [N, C, ...] or [C], int32 class indices [N, ...] or []. */
export function classLoss(
  op: string,
  [input, target]: readonly ValueInfo[],
  attrs: Attrs,
  mode: InferMode,
): ValueInfo {
  const dtype = floatDtype(op, [input], ['input'], mode);
  requireRank(op, input, 1, 'scores of shape [N, C] or [C]');
  if (target.dtype !== 'int32') {
    throw new ShapeIssue(
      CODES.dtype,
      `${op} needs int32 class indices as target, got ${target.dtype} ${formatShape(target.shape)} (declare the target input with dtype: int32)`,
      1,
    );
  }
  const expected = input.shape.length === 1 ? [] : input.shape.filter((_, k) => k !== 1);
  const diff = difference(expected, target.shape);
  if (diff) {
    throw new ShapeIssue(
      diff.symbolic ? CODES.symbolic : CODES.lossTarget,
      `${op}: scores ${formatShape(input.shape)} need a target of shape ${formatShape(expected)}, got ${formatShape(target.shape)}${diff.note}`,
      1,
    );
  }
  return { shape: lossShape(attrs.reduction, target.shape), dtype };
}
