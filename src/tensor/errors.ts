/** Base of every error the tensor runtime throws for a caller's mistake. */
export class TensorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit an op (broadcasting, matmul inner dims, reshape sizes, ...). */
export class ShapeError extends TensorError {}

/** A dtype an op cannot take (float targets to cross_entropy, an unknown dtype name, ...). */
export class DTypeError extends TensorError {}

/** A value out of its allowed range (a class index, an axis, a probability). */
export class ValueError extends TensorError {}

/** Misuse of autograd: a freed graph, backward on a non-scalar, an in-place change of a saved tensor. */
export class AutogradError extends TensorError {}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
