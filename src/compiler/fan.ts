import type { GraphNode } from './graph.js';

export interface Fan {
  fanIn: number | null;
  fanOut: number | null;
}

/** torch.nn.init._calculate_fan_in_and_fan_out: needs at least 2 axes. */
export function torchFan(shape: readonly number[]): Fan {
  if (shape.length < 2) return { fanIn: null, fanOut: null };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** How a name is first contracted: right operand of `@`, or left operand / linear's weight. */
export type Contraction = 'right' | 'left';

/**
 * The first contracting use of every name, in node order: one pass over the graph, so that
 * resolving every parameter's fan stays linear in the size of the spec.
 */
export function firstContractions(
  nodes: readonly Pick<GraphNode, 'op' | 'inputs'>[],
): Map<string, Contraction> {
  const uses = new Map<string, Contraction>();
  const note = (name: string | undefined, use: Contraction) => {
    if (name !== undefined && !uses.has(name)) uses.set(name, use);
  };
  for (const node of nodes) {
    if (node.op === 'matmul') {
      note(node.inputs[1], 'right');
      note(node.inputs[0], 'left');
    } else if (node.op === 'linear') note(node.inputs[1], 'left');
  }
  return uses;
}

/**
 * The fan of a parameter from where it is contracted: right operand of `@` (`x @ W`, W [in, out])
 * -> fan_in = shape[-2]; left operand (`W @ x`) and linear's weight ([out, in]) -> fan_in = shape[-1].
 * The first contracting use in node order decides (`uses` from firstContractions).
 */
export function usageFan(
  name: string,
  shape: readonly number[],
  uses: ReadonlyMap<string, Contraction>,
): Fan | undefined {
  const use = uses.get(name);
  if (shape.length === 0 || use === undefined) return undefined;
  const last = shape[shape.length - 1];
  const beforeLast = shape.length >= 2 ? shape[shape.length - 2] : 1;
  if (use === 'left') return { fanIn: last, fanOut: beforeLast };
  return shape.length === 1 ? { fanIn: last, fanOut: 1 } : { fanIn: beforeLast, fanOut: last };
}
