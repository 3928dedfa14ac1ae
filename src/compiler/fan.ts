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

/**
 * The fan of a parameter from where it is contracted: right operand of `@` (`x @ W`, W [in, out])
 * -> fan_in = shape[-2]; left operand (`W @ x`) and linear's weight ([out, in]) -> fan_in = shape[-1].
 * The first contracting use in node order decides.
 */
export function usageFan(
  name: string,
  shape: readonly number[],
  nodes: readonly Pick<GraphNode, 'op' | 'inputs'>[],
): Fan | undefined {
  const last = shape[shape.length - 1];
  const beforeLast = shape.length >= 2 ? shape[shape.length - 2] : 1;
  for (const node of nodes) {
    if (shape.length === 0) return undefined;
    if (node.op === 'matmul' && node.inputs[1] === name) {
      return shape.length === 1 ? { fanIn: last, fanOut: 1 } : { fanIn: beforeLast, fanOut: last };
    }
    if (
      (node.op === 'matmul' && node.inputs[0] === name) ||
      (node.op === 'linear' && node.inputs[1] === name)
    ) {
      return { fanIn: last, fanOut: beforeLast };
    }
  }
  return undefined;
}
