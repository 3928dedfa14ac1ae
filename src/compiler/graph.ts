import type { AttrValue, ResolvedInit } from '../opdefs/types.js';
import type { SourceLocation } from '../spec/diagnostics.js';
import type { Dim, DTypeName, TrainSpec } from '../spec/types.js';

export type { AttrValue, ResolvedInit };

export interface GraphInput {
  name: string;
  shape: Dim[];
  dtype: DTypeName;
  loc: SourceLocation;
}

export interface GraphParameter {
  name: string;
  shape: number[];
  dtype: 'float32';
  init: ResolvedInit;
  trainable: boolean;
  loc: SourceLocation;
}

/**
 * State that is never trained (running statistics, masks): read by ops like a parameter, never
 * given a gradient, updated in place only by ops that declare it (OpDef.writes). `persistent`
 * ones are in the state dict and checkpoints (torch's register_buffer).
 */
export interface GraphBuffer {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  init: ResolvedInit;
  persistent: boolean;
  loc: SourceLocation;
}

/** An absent optional operand among a node's inputs (before one that is given), as ONNX writes it. */
export const ABSENT = '';

export interface GraphNode {
  name: string;
  /** An op of the catalogue (op-catalog.ts), or `constant` (attrs.value) or `identity`. */
  op: string;
  /** Names of inputs, parameters, buffers or earlier nodes, in operand order; ABSENT for a hole. */
  inputs: string[];
  attrs: Record<string, AttrValue>;
  shape: Dim[];
  dtype: DTypeName;
  loc: SourceLocation;
}

/**
 * The lowered model: plain JSON (JSON.parse(JSON.stringify(g)) equals g). Nodes are in
 * topological order and hold only what an output or the loss needs.
 */
export interface Graph {
  version: 1;
  name: string;
  inputs: GraphInput[];
  parameters: GraphParameter[];
  buffers: GraphBuffer[];
  /**
   * The state dict's keys in torch's order: module by module, each module's parameters, then
   * its persistent buffers (nn.Module.state_dict), e.g. `layers.1.weight`, `layers.1.bias`,
   * `layers.1.running_mean`, ..., `layers.2.weight`.
   */
  state: string[];
  nodes: GraphNode[];
  outputs: string[];
  loss: string | null;
  train: TrainSpec | null;
}
