import { asTensor, type TensorLike, tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A tensor that a model trains: it requires grad by default (also when created inside noGrad),
 * and it is what `model.parameters()` hands to an optimizer. Like torch.nn.Parameter it takes
 * the values of `data` (copied, so the original stays untouched).
 */
export class Parameter extends Tensor {
  constructor(data: TensorLike, options: { requiresGrad?: boolean } = {}) {
    const source = data instanceof Tensor ? data : asTensor(data);
    const storage = source.storage.slice();
    super(storage, source.shape);
    this.requiresGrad = options.requiresGrad ?? true;
  }
}

export interface VariableConstructor {
  new (data: TensorLike, options?: { requiresGrad?: boolean }): Tensor;
  (data: TensorLike, options?: { requiresGrad?: boolean }): Tensor;
}

/**
 * The legacy name of a tensor (torch.autograd.Variable): `new Variable(t, { requiresGrad })` gives
 * a Tensor with t's values, and every Tensor is `instanceof Variable`.
 */
export const Variable = function Variable(
  data: TensorLike,
  options: { requiresGrad?: boolean } = {},
): Tensor {
  const source = data instanceof Tensor ? data : asTensor(data);
  return tensor(source.storage, {
    shape: source.shape,
    requiresGrad: options.requiresGrad ?? false,
  });
} as VariableConstructor;

Object.defineProperty(Variable, Symbol.hasInstance, {
  value: (value: unknown) => value instanceof Tensor,
});
