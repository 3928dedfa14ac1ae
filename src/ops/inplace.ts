import { isGradEnabled } from '../autograd/grad-mode.js';
import { expandTo } from '../kernels/elementwise.js';
import { opDef } from '../opdefs/index.js';
import type { OpDef } from '../opdefs/types.js';
import { asTensor, defaultRng, type TensorLike } from '../tensor/create.js';
import { AutogradError, formatShape, ShapeError, ValueError } from '../tensor/errors.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inferRun, scratchStore } from './apply.js';
import { callOp } from './call.js';

/**
 * In-place ops change `target`'s storage and bump its version, so a backward pass that saved it
 * reports the change. Like torch they are refused on a leaf that requires grad while recording;
 * unlike torch they are refused on graph results too (there is no history rewriting here).
 */
function checkWritable(target: Tensor, op: string): void {
  if (!isGradEnabled() || !target.requiresGrad) return;
  throw new AutogradError(
    target.isLeaf
      ? `${op}: a leaf tensor that requires grad cannot be changed in place (wrap the update in noGrad)`
      : `${op}: a tensor produced by ${target.gradFn?.name} cannot be changed in place; use the out-of-place op`,
  );
}

/** `other` broadcast to the target's shape, or a ShapeError naming the in-place op. */
function fitted(op: string, target: Tensor, other: TensorLike): Tensor {
  const y = asTensor(other, target);
  const shape = broadcastShapes(target.shape, y.shape, op);
  if (!sameShape(shape, target.shape)) {
    throw new ShapeError(
      `${op}: the result of shape ${formatShape(shape)} does not fit the target's shape ${formatShape(target.shape)}`,
    );
  }
  return y;
}

/** target ← target ∘ other with the binary op's own forward, its result written over the target. */
function updateInPlace(op: string, name: string, target: Tensor, other: TensorLike): Tensor {
  checkWritable(target, op);
  const def = opDef(name) as OpDef;
  const y = fitted(op, target, other);
  const info = inferRun(def, [target, y], {});
  if (info.dtype !== target.dtype) {
    throw new ShapeError(
      `${op}: the ${info.dtype} result cannot be stored in a ${target.dtype} tensor`,
    );
  }
  const shapes = [target.shape, y.shape];
  def.forward({
    inputs: [target.storage, y.storage],
    shapes,
    out: target.storage,
    shape: target.shape,
    attrs: {},
    prepared: def.prepare?.(shapes, target.shape, {}),
    context: { training: false, rng: defaultRng() },
    scratch: scratchStore(target.dtype),
  });
  target.version.value++;
  return target;
}

/** target += alpha · other (alpha 1 by default). */
export function add_(target: Tensor, other: TensorLike, options: { alpha?: number } = {}): Tensor {
  const unknown = Object.keys(options).find((k) => k !== 'alpha');
  if (unknown !== undefined)
    throw new ValueError(`add_: unknown option '${unknown}' (known: alpha)`);
  const alpha = options.alpha ?? 1;
  const scaled = alpha === 1 ? other : callOp(opDef('mul') as OpDef, [other, alpha]);
  return updateInPlace('add_', 'add', target, scaled);
}

export function sub_(target: Tensor, other: TensorLike): Tensor {
  return updateInPlace('sub_', 'sub', target, other);
}

export function mul_(target: Tensor, other: TensorLike): Tensor {
  return updateInPlace('mul_', 'mul', target, other);
}

export function div_(target: Tensor, other: TensorLike): Tensor {
  return updateInPlace('div_', 'div', target, other);
}

/** Copies `source` (broadcast) into `target`. */
export function copy_(target: Tensor, source: TensorLike): Tensor {
  checkWritable(target, 'copy_');
  const y = fitted('copy_', target, source);
  expandTo(y.storage, y.shape, target.storage, target.shape);
  target.version.value++;
  return target;
}

export function fill_(target: Tensor, value: number): Tensor {
  checkWritable(target, 'fill_');
  target.storage.fill(value);
  target.version.value++;
  return target;
}

export function zero_(target: Tensor): Tensor {
  return fill_(target, 0);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    add_(other: TensorLike, options?: { alpha?: number }): Tensor;
    sub_(other: TensorLike): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    copy_(source: TensorLike): Tensor;
    fill_(value: number): Tensor;
    zero_(): Tensor;
  }
}

const INPLACE = { add_, sub_, mul_, div_, copy_, fill_, zero_ };
for (const [name, update] of Object.entries(INPLACE)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function method(this: Tensor, ...args: unknown[]) {
      return (update as (t: Tensor, ...rest: unknown[]) => Tensor)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
