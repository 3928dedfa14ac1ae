import type { GraphNode } from '../../compiler/graph.js';
import type { Rng } from '../../tensor/rng.js';

/** One kernel call on plan buffers; built once per plan, called every step. */
export type Step = () => void;

export type Buffer = Float32Array | Int32Array;

/** What steps read at run time rather than at plan time: the mode and the dropout generator. */
export interface PlanContext {
  training: boolean;
  rng: Rng;
}

/** The forward and backward steps of one node (either may be empty). */
export interface NodeSteps {
  forward: Step[];
  backward: Step[];
}

/**
 * What a family's step builder gets for one node: concrete shapes, the buffers of its operands
 * and result, and the gradient buffers it reads or writes (null where no gradient is needed).
 * `accumulate[i]` says another consumer has already written operand i's gradient in this
 * backward pass (so this step adds to it instead of overwriting).
 */
export interface NodeEnv {
  node: GraphNode;
  shape: readonly number[];
  inShapes: readonly (readonly number[])[];
  inputs: readonly Buffer[];
  out: Buffer;
  outGrad: Float32Array | null;
  inGrads: readonly (Float32Array | null)[];
  accumulate: readonly boolean[];
  context: PlanContext;
  /** A scratch buffer owned by this step (allocated once, with the plan). */
  scratch(size: number): Float32Array;
}

export type StepBuilder = (env: NodeEnv) => NodeSteps;
