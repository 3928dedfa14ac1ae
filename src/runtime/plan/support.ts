import type { GraphNode } from '../../compiler/graph.js';
import type { DTypeName } from '../../spec/types.js';
import { UNARY_OPS, unarySteps } from './activation-steps.js';
import { COPY_OPS, copySteps } from './copy-steps.js';
import { dropoutSteps } from './dropout-steps.js';
import { BINARY_OPS, binarySteps, operandKind } from './elementwise-steps.js';
import { linearSteps, matmulSteps } from './linear-steps.js';
import {
  CLASS_LOSSES,
  classLossSteps,
  POINTWISE_LOSSES,
  pointwiseLossSteps,
} from './loss-steps.js';
import { softmaxSteps } from './softmax-steps.js';
import type { StepBuilder } from './types.js';

export interface Operand {
  shape: readonly number[];
  dtype: DTypeName;
}

const allFloat = (operands: readonly Operand[]) => operands.every((o) => o.dtype === 'float32');

/**
 * The step builder for a node, or null when the planner does not take it (then the model runs
 * the interpreter): ops outside these families, int32 values where floats are computed, and
 * layouts the steps do not cover (1-D matmul operands, batched right operands, general
 * broadcasting).
 */
export function stepBuilderFor(
  node: GraphNode,
  operands: readonly Operand[],
  shape: readonly number[],
): StepBuilder | null {
  const { op } = node;
  if (CLASS_LOSSES.includes(op)) {
    const [scores, target] = operands;
    return scores.dtype === 'float32' && target.dtype === 'int32' ? classLossSteps : null;
  }
  if (!allFloat(operands) || node.dtype !== 'float32') return null;
  if (POINTWISE_LOSSES.includes(op)) return pointwiseLossSteps;
  if (UNARY_OPS.includes(op)) return unarySteps;
  if (COPY_OPS.includes(op)) return copySteps;
  if (op === 'dropout') return dropoutSteps;
  if (op === 'softmax' || op === 'log_softmax') return softmaxSteps;
  if (op === 'linear') {
    const [x, w] = operands;
    return x.shape.length >= 1 && w.shape.length === 2 ? linearSteps : null;
  }
  if (op === 'matmul') {
    const [a, b] = operands;
    return a.shape.length >= 2 && b.shape.length === 2 ? matmulSteps : null;
  }
  if (BINARY_OPS.includes(op)) {
    return operands.every((o) => operandKind(o.shape, shape) !== null) ? binarySteps : null;
  }
  return null;
}
