import { formatShape } from '../opdefs/dims.js';
import { CODES, ShapeIssue, type ValueInfo } from '../opdefs/shape-issue.js';
import type { DTypeName } from '../spec/types.js';
import { ABSENT, type AttrValue, type Graph } from './graph.js';
import { findGraphOp } from './op-catalog.js';

/** A node before inference: what it computes, not yet what it yields. */
export interface NodeRequest {
  name: string;
  op: string;
  inputs: readonly string[];
  attrs: Readonly<Record<string, AttrValue>>;
  /** Only read for `constant` nodes: the literal's dtype. */
  dtype?: DTypeName;
}

/**
 * Shape and dtype of one node from those of its operands. `constant` is a scalar; `identity`
 * passes its operand through; everything else follows the op catalogue. Throws ShapeIssue.
 */
export function inferNode(
  op: string,
  args: readonly ValueInfo[],
  attrs: Readonly<Record<string, AttrValue>>,
  constantDtype: DTypeName = 'float32',
): ValueInfo {
  const def = findGraphOp(op);
  if (!def) throw new ShapeIssue('MS205', `unknown op '${op}'`);
  const value = def.infer(args, attrs, 'compile');
  return op === 'constant' ? { ...value, dtype: constantDtype } : value;
}

export interface InferIssue {
  node: string;
  code: string;
  message: string;
  operand?: number;
}

/**
 * Infers every node of a graph in order (inputs and parameters are known). The one inference
 * the compiler runs while lowering, reusable on a loaded Graph: a node whose operands failed is
 * skipped without a finding of its own, so each root cause is reported once.
 */
export function inferShapes(
  graph: Pick<Graph, 'inputs' | 'parameters'> &
    Partial<Pick<Graph, 'buffers'>> & { nodes: readonly NodeRequest[] },
): {
  values: Map<string, ValueInfo>;
  issues: InferIssue[];
} {
  const values = new Map<string, ValueInfo>();
  for (const input of graph.inputs)
    values.set(input.name, { shape: [...input.shape], dtype: input.dtype });
  for (const param of graph.parameters)
    values.set(param.name, { shape: [...param.shape], dtype: param.dtype });
  for (const buffer of graph.buffers ?? [])
    values.set(buffer.name, { shape: [...buffer.shape], dtype: buffer.dtype });
  const issues: InferIssue[] = [];
  const failed = new Set<string>();
  for (const node of graph.nodes) {
    const args = node.inputs.map((name) => values.get(name));
    if (node.inputs.some((name) => failed.has(name))) {
      failed.add(node.name);
      continue;
    }
    const missing = node.inputs.findIndex((name, k) => name !== ABSENT && args[k] === undefined);
    if (missing >= 0) {
      failed.add(node.name);
      issues.push({
        node: node.name,
        code: 'MS202',
        message: `node '${node.name}' uses '${node.inputs[missing]}', which is not defined before it`,
        operand: missing,
      });
      continue;
    }
    try {
      values.set(node.name, inferNode(node.op, args as ValueInfo[], node.attrs, node.dtype));
    } catch (error) {
      if (!(error instanceof ShapeIssue)) throw error;
      failed.add(node.name);
      issues.push({
        node: node.name,
        code: error.code,
        message: error.message,
        operand: error.operand,
      });
    }
  }
  return { values, issues };
}

/** Largest element count of one tensor: the longest typed array every supported Node accepts. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** A finding when a shape's known dims (symbols counted as 1) exceed MAX_ELEMENTS. */
export function sizeIssue(what: string, value: ValueInfo): ShapeIssue | undefined {
  const count = value.shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1);
  if (count <= MAX_ELEMENTS) return undefined;
  return new ShapeIssue(
    CODES.tooLarge,
    `${what} ${formatShape(value.shape)} would hold ${count} elements; the limit is ${MAX_ELEMENTS} (2^31 - 1) per tensor`,
  );
}
