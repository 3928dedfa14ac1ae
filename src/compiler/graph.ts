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
  /**
   * `tie: {this: that}`: this path is the same tensor as parameter `that` (its init and
   * trainable are that one's); state dicts list both names.
   */
  tiedTo?: string;
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
  /** The module whose call made the node (its dotted path: `h.0.attn.c_attn`), if any. */
  module?: string;
}

/** A module of the spec's tree (for summaries and export): its dotted path and its kind. */
export interface GraphModule {
  path: string;
  /** A built-in kind (`linear`), `block NAME`, `repeat` or `sequential`. */
  kind: string;
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
  /** The module tree, depth first in declaration order (absent for a spec without modules). */
  modules?: GraphModule[];
}
