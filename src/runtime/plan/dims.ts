import type { Dim } from '../../spec/types.js';

/**
 * The sizes of `shape` under `bindings`, or null when a dim is an expression of symbols (the
 * planner leaves such graphs to the interpreter).
 */
export function concreteShape(
  shape: readonly Dim[],
  bindings: ReadonlyMap<string, number>,
): number[] | null {
  const out: number[] = [];
  for (const dim of shape) {
    if (typeof dim === 'number') out.push(dim);
    else {
      const size = bindings.get(dim);
      if (size === undefined) return null;
      out.push(size);
    }
  }
  return out;
}
