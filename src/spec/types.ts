/**
 * The shape of a parsed spec (format version 1), as the rest of the compiler sees it.
 * The schema (schema/modelspec.schema.json) is the source of truth for structure; this file is
 * the contract for the TypeScript side and must stay equal to it.
 */
export type Dim = number | string;
export type DTypeName = 'float32' | 'int32';

export interface InputSpec {
  shape: Dim[];
  dtype?: DTypeName;
}

/** `zeros`, or `{ normal: { std: 0.01 } }`, etc. */
export type InitSpec = string | Record<string, Record<string, number | string>>;

export interface ParameterSpec {
  shape: number[];
  init?: InitSpec;
  trainable?: boolean;
}

export interface OpObjectSpec {
  op: string;
  inputs?: (string | number)[];
  attrs?: Record<string, unknown>;
}

export type GraphEntrySpec = string | number | OpObjectSpec;

/** One entry of `layers.stack`: `relu`, `{linear: 64}`, `{linear: {out: 10, bias: false}}`, `{dropout: 0.1}`. */
export type LayerEntrySpec = string | Record<string, unknown>;

export interface LayersSpec {
  from: string;
  to: string;
  stack: LayerEntrySpec[];
}

/** A pair of IDX files (MNIST's format). */
export interface IdxSpec {
  images: string;
  labels: string;
}

/** A test split: one source of the training data's kind. */
export interface TestDataSpec {
  csv?: string;
  idx?: IdxSpec;
  text?: string;
  lines?: string;
}

export interface DataSpec {
  dataset?: string;
  csv?: string;
  idx?: IdxSpec;
  text?: string;
  lines?: string;
  /** Tokens per example of text and lines data. */
  block_size?: number;
  test?: TestDataSpec;
  target?: string;
  features?: string[];
  /** Names of the classes, in index order. */
  classes?: string[];
  valid?: number;
  standardize?: boolean;
  bind?: Record<string, 'features' | 'target'>;
  /** Size of generated built-in data sets (xor, moons, ...). */
  samples?: number;
  noise?: number;
}

export interface SgdSpec {
  lr: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export interface ScheduleSpec {
  step?: { step_size: number; gamma?: number };
  cosine?: { t_max?: number; eta_min?: number };
}

export interface TrainSpec {
  data?: DataSpec;
  optimizer?: { sgd: SgdSpec };
  epochs?: number;
  batch_size?: number;
  seed?: number;
  metrics?: string[];
  shuffle?: boolean;
  schedule?: ScheduleSpec;
  checkpoint_every?: number;
}

export interface Spec {
  modelspec: 1;
  name: string;
  description?: string;
  inputs: Record<string, InputSpec>;
  parameters?: Record<string, ParameterSpec>;
  graph?: Record<string, GraphEntrySpec>;
  layers?: LayersSpec;
  outputs?: string[];
  loss?: string;
  train?: TrainSpec;
}
