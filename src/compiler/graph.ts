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

export interface GraphNode {
  name: string;
  /** An op of the catalogue (op-catalog.ts), or `constant` (attrs.value) or `identity`. */
  op: string;
  /** Names of inputs, parameters or earlier nodes, in operand order. */
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
  nodes: GraphNode[];
  outputs: string[];
  loss: string | null;
  train: TrainSpec | null;
}
