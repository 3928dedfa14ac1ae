import { Tensor } from '../tensor/tensor.js';

// biome-ignore lint/suspicious/noExplicitAny: each op keeps its own signature; the method forwards it unchanged.
type OpFunction = (self: Tensor, ...args: any[]) => unknown;

/**
 * Makes each op a Tensor method (`x.add(y)` calls `add(x, y)`), as tfjs registers its chained
 * ops: tensor/ stays free of ops, and each op family declares its own methods beside its ops.
 */
export function defineMethods(ops: Record<string, OpFunction>): void {
  for (const [name, op] of Object.entries(ops)) {
    Object.defineProperty(Tensor.prototype, name, {
      value: function method(this: Tensor, ...args: unknown[]) {
        return op(this, ...args);
      },
      writable: true,
      configurable: true,
    });
  }
}
