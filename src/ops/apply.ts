import { record } from '../autograd/node.js';
import { CODES, ShapeIssue } from '../opdefs/shape-issue.js';
import type { Attrs, BackwardCall, ForwardCall, OpDef, RunContext } from '../opdefs/types.js';
import { allocate, type DType, dtypeOf, type Storage } from '../tensor/dtype.js';
import { AutogradError, DTypeError, ShapeError, ValueError } from '../tensor/errors.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The error class a shape rule's finding becomes when it comes from a run, not a spec. */
export function runtimeError(issue: ShapeIssue): Error {
  if (issue.code === CODES.dtype) return new DTypeError(issue.message);
  if (issue.outOfRange) return new ValueError(issue.message);
  return new ShapeError(issue.message);
}

/**
 * Runs a shape rule on concrete tensors: the rule the compiler runs on symbolic dims. An absent
 * optional operand is undefined.
 */
export function inferRun(def: OpDef, operands: readonly (Tensor | undefined)[], attrs: Attrs) {
  try {
    return def.infer(
      operands.map((t) => (t === undefined ? t : { shape: [...t.shape], dtype: t.dtype })) as {
        shape: number[];
        dtype: DType;
      }[],
      attrs,
      'run',
    );
  } catch (error) {
    throw error instanceof ShapeIssue ? runtimeError(error) : error;
  }
}

/**
 * Scratch buffers of one call (a dropout mask, log-probabilities), made on first use and kept
 * for its backward; by default of the result's dtype.
 */
export function scratchStore(
  outDtype: DType,
): (key: string, size: number, dtype?: DType) => Storage {
  const buffers = new Map<string, Storage>();
  return (key, size, dtype = outDtype) => {
    let buffer = buffers.get(key);
    if (buffer === undefined || buffer.length !== size || dtypeOf(buffer) !== dtype) {
      buffer = allocate(dtype, size);
      buffers.set(key, buffer);
    }
    return buffer;
  };
}

/** Whether this call of `def` changes its `writes` operands (see OperandWrites). */
export function writesState(def: OpDef, context: RunContext): boolean {
  return def.writes !== undefined && (def.writes.when === 'always' || context.training);
}

/**
 * Operands an op updates in place are state: one that requires grad is refused (as an in-place
 * change of a leaf that requires grad is).
 */
function checkWritable(def: OpDef, operands: readonly (Tensor | undefined)[]): void {
  for (const k of def.writes?.operands ?? []) {
    if (operands[k]?.requiresGrad) {
      throw new AutogradError(
        `${def.name}: ${def.operands[k].name} is updated in place (state, not trained) and cannot be a tensor that requires grad`,
      );
    }
  }
}

/**
 * Applies an op to tensors: the shape rule, the forward on fresh buffers, and (when recording
 * and an operand requires grad) a gradFn whose rule runs the op's backward into fresh gradient
 * buffers. Attributes arrive checked and complete (see call.ts). An absent optional operand is
 * undefined. Operands the op updates in place get their version bumped.
 */
export function applyOp(
  def: OpDef,
  operands: readonly (Tensor | undefined)[],
  attrs: Attrs,
  context: RunContext,
): Tensor {
  const info = inferRun(def, operands, attrs);
  if (def.passesThrough?.(attrs, context)) return operands[0] as Tensor;
  checkWritable(def, operands);
  const shapes = operands.map((t) => t?.shape) as (readonly number[])[];
  const shape = info.shape as number[];
  let prepared: unknown;
  try {
    prepared = def.prepare?.(shapes, shape, attrs);
  } catch (error) {
    throw error instanceof ShapeIssue ? runtimeError(error) : error;
  }
  const out = new Tensor(allocate(info.dtype, sizeOf(shape)), shape);
  const call: ForwardCall = {
    inputs: operands.map((t) => t?.storage) as Storage[],
    shapes,
    out: out.storage,
    shape,
    attrs,
    prepared,
    context,
    scratch: scratchStore(info.dtype),
  };
  def.forward(call);
  if (writesState(def, context)) {
    for (const k of def.writes?.operands ?? []) if (operands[k]) operands[k].version.value++;
  }
  const backward = def.backward;
  if (backward === undefined) return out;
  const given = operands.filter((t): t is Tensor => t !== undefined);
  const saved = def.saves.flatMap((s) => {
    if (s === 'operands') return given;
    const t = s === 'out' ? out : operands[s];
    return t === undefined ? [] : [t];
  });
  return record(
    def.gradFn,
    given,
    out,
    (g) => {
      const grads = operands.map((t) => (t?.requiresGrad ? allocate(t.dtype, t.size) : null));
      const backwardCall: BackwardCall = { ...call, grad: g.storage, grads };
      backward.call(def, backwardCall);
      return grads.flatMap((grad, i) => {
        const t = operands[i];
        if (t === undefined) return [];
        return [grad === null ? null : new Tensor(grad, t.shape)];
      });
    },
    saved,
  );
}
