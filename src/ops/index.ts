// The Tensor API: one function (and Tensor method) per op definition, plus in-place updates.
import { TENSOR_API_OPS } from '../opdefs/index.js';
import { formatShape, ShapeError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { callOp } from './call.js';
import { transpose } from './generated.js';

export * from './generated.js';
export * from './inplace.js';

for (const def of TENSOR_API_OPS) {
  if (def.listOperand) continue;
  Object.defineProperty(Tensor.prototype, def.method, {
    value: function method(this: Tensor, ...args: unknown[]) {
      return callOp(def, [this, ...args]);
    },
    writable: true,
    configurable: true,
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** The transpose of a 2-D tensor (the spec's `.T`). */
    readonly T: Tensor;
  }
}

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor): Tensor {
    if (this.rank !== 2) {
      throw new ShapeError(
        `.T is for 2-D tensors, got ${formatShape(this.shape)}; use transpose({ axis0, axis1 })`,
      );
    }
    return transpose(this);
  },
  configurable: true,
});
