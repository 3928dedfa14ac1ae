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

/** A size: a whole number, a dim's name, or an expression over dims (`4 * n_embd`). */
export type SizeSpec = number | string;

export interface ParameterSpec {
  shape: SizeSpec[];
  init?: InitSpec;
  trainable?: boolean;
}

/**
 * A module declaration: a built-in kind (`relu`, `{linear: 10}`, `{conv2d: {out: 32, kernel:
 * 3}}`), `{block: NAME, args}`, `{repeat: N, block: NAME, args}` or `{sequential: [...]}`.
 */
export type ModuleSpec = string | Record<string, unknown>;

/** A reusable module definition: what it takes, what it owns, what it computes. */
export interface BlockSpec {
  description?: string;
  inputs: string[];
  /** Constructor arguments with their defaults (whole numbers or booleans), used like dims. */
  args?: Record<string, number | boolean>;
  modules?: Record<string, ModuleSpec>;
  parameters?: Record<string, ParameterSpec>;
  graph: Record<string, GraphEntrySpec>;
  output: string;
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

/** adam and adamw (adamw's weight_decay defaults to 0.01 and is decoupled). */
export interface AdamSpec {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export interface RmspropSpec {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

export interface AdagradSpec {
  lr?: number;
  lr_decay?: number;
  weight_decay?: number;
  initial_accumulator_value?: number;
  eps?: number;
  maximize?: boolean;
}

export interface AdadeltaSpec {
  lr?: number;
  rho?: number;
  eps?: number;
  weight_decay?: number;
  maximize?: boolean;
}

/** Exactly one key: the optimizer's name. */
export interface OptimizerSpec {
  sgd?: SgdSpec;
  adam?: AdamSpec;
  adamw?: AdamSpec;
  rmsprop?: RmspropSpec;
  adagrad?: AdagradSpec;
  adadelta?: AdadeltaSpec;
}

/** A group of train.param_groups: a selector (params or ndim_below) and option overrides. */
export interface ParamGroupSpec {
  params?: string | string[];
  ndim_below?: number;
  lr?: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
  alpha?: number;
  centered?: boolean;
  lr_decay?: number;
  initial_accumulator_value?: number;
  rho?: number;
}

export type MonitoredMetric = `${'train' | 'valid'}.${'loss' | 'accuracy' | 'mse' | 'mae'}`;

export interface ScheduleSpec {
  step?: { step_size: number; gamma?: number };
  multistep?: { milestones: number[]; gamma?: number };
  exponential?: { gamma: number };
  cosine?: { t_max?: number; eta_min?: number };
  onecycle?: {
    max_lr?: number | number[];
    total_steps?: number;
    pct_start?: number;
    anneal_strategy?: 'cos' | 'linear';
    cycle_momentum?: boolean;
    base_momentum?: number;
    max_momentum?: number;
    div_factor?: number;
    final_div_factor?: number;
    three_phase?: boolean;
  };
  reduce_on_plateau?: {
    metric?: MonitoredMetric;
    mode?: 'min' | 'max';
    factor?: number;
    patience?: number;
    threshold?: number;
    threshold_mode?: 'rel' | 'abs';
    cooldown?: number;
    min_lr?: number;
    eps?: number;
  };
  warmup?: { steps?: number; epochs?: number; start_factor?: number };
  interval?: 'epoch' | 'step';
}

export interface EarlyStoppingSpec {
  metric?: MonitoredMetric;
  patience?: number;
  mode?: 'min' | 'max';
  min_delta?: number;
}

export interface TrainSpec {
  data?: DataSpec;
  optimizer?: OptimizerSpec;
  param_groups?: ParamGroupSpec[];
  clip_grad_norm?: number;
  clip_grad_value?: number;
  epochs?: number;
  max_steps?: number;
  eval_every?: number;
  accumulate?: number;
  early_stopping?: EarlyStoppingSpec;
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
  /** Named sizes: whole numbers, or expressions over the dims before them. */
  dims?: Record<string, SizeSpec>;
  inputs: Record<string, InputSpec>;
  parameters?: Record<string, ParameterSpec>;
  modules?: Record<string, ModuleSpec>;
  blocks?: Record<string, BlockSpec>;
  /** `{a: b}`: parameter path a is the same tensor as b (torch's weight tying). */
  tie?: Record<string, string>;
  graph?: Record<string, GraphEntrySpec>;
  layers?: LayersSpec;
  outputs?: string[];
  loss?: string;
  train?: TrainSpec;
}
