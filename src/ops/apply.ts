import { record } from '../autograd/node.js';
import { CODES, ShapeIssue } from '../opdefs/shape-issue.js';
import type { Attrs, BackwardCall, ForwardCall, OpDef, RunContext } from '../opdefs/types.js';
import { allocate, type DType, dtypeOf, type Storage } from '../tensor/dtype.js';
import { DTypeError, ShapeError, ValueError } from '../tensor/errors.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The error class a shape rule's finding becomes when it comes from a run, not a spec. */
export function runtimeError(issue: ShapeIssue): Error {
  if (issue.code === CODES.dtype) return new DTypeError(issue.message);
  if (issue.outOfRange) return new ValueError(issue.message);
  return new ShapeError(issue.message);
}

/** Runs a shape rule on concrete tensors: the rule the compiler runs on symbolic dims. */
export function inferRun(def: OpDef, operands: readonly Tensor[], attrs: Attrs) {
  try {
    return def.infer(
      operands.map((t) => ({ shape: [...t.shape], dtype: t.dtype })),
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

/**
 * Applies an op to tensors: the shape rule, the forward on fresh buffers, and (when recording
 * and an operand requires grad) a gradFn whose rule runs the op's backward into fresh gradient
 * buffers. Attributes arrive checked and complete (see call.ts).
 */
export function applyOp(
  def: OpDef,
  operands: readonly Tensor[],
  attrs: Attrs,
  context: RunContext,
): Tensor {
  const info = inferRun(def, operands, attrs);
  if (def.passesThrough?.(attrs, context)) return operands[0];
  const shapes = operands.map((t) => t.shape);
  const shape = info.shape as number[];
  let prepared: unknown;
  try {
    prepared = def.prepare?.(shapes, shape, attrs);
  } catch (error) {
    throw error instanceof ShapeIssue ? runtimeError(error) : error;
  }
  const out = new Tensor(allocate(info.dtype, sizeOf(shape)), shape);
  const call: ForwardCall = {
    inputs: operands.map((t) => t.storage),
    shapes,
    out: out.storage,
    shape,
    attrs,
    prepared,
    context,
    scratch: scratchStore(info.dtype),
  };
  def.forward(call);
  const backward = def.backward;
  if (backward === undefined) return out;
  const saved = def.saves.flatMap((s) =>
    s === 'out' ? [out] : s === 'operands' ? operands : [operands[s]],
  );
  return record(
    def.gradFn,
    operands,
    out,
    (g) => {
      const grads = operands.map((t) => (t.requiresGrad ? allocate(t.dtype, t.size) : null));
      const backwardCall: BackwardCall = { ...call, grad: g.storage, grads };
      backward.call(def, backwardCall);
      return grads.map((grad, i) => (grad === null ? null : new Tensor(grad, operands[i].shape)));
    },
    saved,
  );
}
