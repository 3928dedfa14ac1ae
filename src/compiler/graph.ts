import type { SourceLocation } from '../spec/diagnostics.js';
import type { Dim, DTypeName, TrainSpec } from '../spec/types.js';

/** An attribute value as it appears in the IR: plain JSON. `null` means "not given" (e.g. no axis). */
export type AttrValue = number | boolean | number[] | null;

/** How a parameter starts out: the init's name with every argument filled in. */
export type ResolvedInit =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'xavier_uniform' | 'xavier_normal'; gain: number; fanIn: number; fanOut: number }
  /** kaiming reads only the fan its mode names; the other is null when it cannot be computed. */
  | {
      kind: 'kaiming_uniform' | 'kaiming_normal';
      a: number;
      mode: 'fan_in' | 'fan_out';
      nonlinearity: 'leaky_relu' | 'relu' | 'linear' | 'tanh' | 'sigmoid';
      fanIn: number | null;
      fanOut: number | null;
    };

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
