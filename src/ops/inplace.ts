import { isGradEnabled } from '../autograd/grad-mode.js';
import { mapBinary } from '../kernels/elementwise.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { AutogradError, formatShape, ShapeError } from '../tensor/errors.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';

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

function updateInPlace(
  op: string,
  target: Tensor,
  other: TensorLike,
  f: (x: number, y: number) => number,
): Tensor {
  checkWritable(target, op);
  const y = asTensor(other, target);
  const shape = broadcastShapes(target.shape, y.shape, op);
  if (!sameShape(shape, target.shape)) {
    throw new ShapeError(
      `${op}: the result of shape ${formatShape(shape)} does not fit the target's shape ${formatShape(target.shape)}`,
    );
  }
  mapBinary(target.storage, target.shape, y.storage, y.shape, target.storage, shape, f);
  target.version.value++;
  return target;
}

export function add_(target: Tensor, other: TensorLike, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return updateInPlace('add_', target, other, (x, y) => x + alpha * y);
}

export function sub_(target: Tensor, other: TensorLike): Tensor {
  return updateInPlace('sub_', target, other, (x, y) => x - y);
}

export function mul_(target: Tensor, other: TensorLike): Tensor {
  return updateInPlace('mul_', target, other, (x, y) => x * y);
}

export function div_(target: Tensor, other: TensorLike): Tensor {
  return updateInPlace('div_', target, other, (x, y) => x / y);
}

/** Copies `source` (broadcast) into `target`. */
export function copy_(target: Tensor, source: TensorLike): Tensor {
  return updateInPlace('copy_', target, source, (_x, y) => y);
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

defineMethods({ add_, sub_, mul_, div_, copy_, fill_, zero_ });
