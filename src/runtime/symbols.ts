import type { GraphInput, GraphNode } from '../compiler/graph.js';
import { bindDim } from '../opdefs/dims.js';
import { opDef } from '../opdefs/index.js';
import type { Attrs, AttrValue } from '../opdefs/types.js';
import { ShapeError } from '../tensor/errors.js';

/**
 * Sizes bound at run time in attributes (`reshape(x, shape=[batch, t, n_embd])`, nanoGPT's
 * `arange(t)`): the compiler keeps the symbols; each run fills in the sizes its inputs give.
 */

/** The sizes the inputs' symbolic dims take, from the inputs' shapes. */
export function symbolBindings(
  declared: readonly GraphInput[],
  shapes: ReadonlyMap<string, readonly number[]>,
): Map<string, number> {
  const bindings = new Map<string, number>();
  for (const input of declared) {
    const shape = shapes.get(input.name);
    if (shape === undefined) continue;
    input.shape.forEach((dim, axis) => {
      if (typeof dim === 'string') bindings.set(dim, shape[axis]);
    });
  }
  return bindings;
}

/** Whether a node's attributes hold sizes bound at run time. */
export function hasSymbolicAttrs(node: GraphNode): boolean {
  const def = opDef(node.op);
  return (def?.attrs ?? []).some((a) => {
    const value = node.attrs[a.name];
    return (
      a.symbolic === true &&
      (typeof value === 'string' ||
        (Array.isArray(value) && value.some((v) => typeof v === 'string')))
    );
  });
}

/** A node's attributes with its run-time sizes filled in from `bindings`. */
export function boundAttrs(node: GraphNode, bindings: ReadonlyMap<string, number>): Attrs {
  const out: Record<string, AttrValue> = { ...node.attrs };
  const bind = (dim: number | string): number => {
    const size = bindDim(dim, bindings);
    if (size === undefined) {
      throw new ShapeError(
        `node '${node.name}': the size ${dim} is not bound by the inputs of this run`,
      );
    }
    return size;
  };
  for (const def of opDef(node.op)?.attrs ?? []) {
    if (!def.symbolic) continue;
    const value = out[def.name];
    if (typeof value === 'string') out[def.name] = bind(value);
    else if (Array.isArray(value)) out[def.name] = (value as (number | string)[]).map(bind);
  }
  return out;
}
