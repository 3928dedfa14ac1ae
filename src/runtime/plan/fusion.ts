import type { GraphNode } from '../../compiler/graph.js';
import { opDef } from '../../opdefs/index.js';

/**
 * The linear nodes whose only use is an elementwise activation whose gradient reads only its
 * output (relu, tanh, sigmoid, ...): the plan runs each pair as one step (linearThen), and the
 * pre-activation is never stored (its gradient still is). Keyed by the activation's name.
 */
export function fusedPairs(
  nodes: readonly GraphNode[],
  names: readonly string[],
): Map<string, GraphNode> {
  const uses = new Map<string, number>();
  const consumer = new Map<string, GraphNode>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      uses.set(input, (uses.get(input) ?? 0) + 1);
      consumer.set(input, node);
    }
  }
  for (const name of names) uses.set(name, (uses.get(name) ?? 0) + 1);
  const pairs = new Map<string, GraphNode>();
  for (const node of nodes) {
    const next = consumer.get(node.name);
    if (node.op !== 'linear' || uses.get(node.name) !== 1 || !next) continue;
    const def = opDef(next.op);
    if (
      def?.elementwise === 'unary' &&
      !def.saves.includes(0) &&
      !def.saves.includes('operands') &&
      next.dtype === 'float32'
    ) {
      pairs.set(next.name, node);
    }
  }
  return pairs;
}
