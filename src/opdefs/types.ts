import type { DType, Storage } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import type { Dim } from './dims.js';
import type { OpExample } from './examples.js';

/** An attribute value as it appears in the IR: plain JSON. `null` means "not given" (no axis). */
export type AttrValue = number | boolean | string | (number | string)[] | null;

export type Attrs = Readonly<Record<string, AttrValue>>;

/** How a parameter starts out: the init's name with every argument filled in. */
export type ResolvedInit =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  /** zeroRow: that row of a 2-D tensor is zeroed after the draw (nn.Embedding's padding_idx). */
  | { kind: 'normal'; mean: number; std: number; zeroRow?: number }
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

/** The type and size of one value, as shape inference knows it: symbolic or concrete. */
export interface ValueInfo {
  shape: Dim[];
  dtype: DType;
}

/**
 * When dtypes are checked: compiling a spec refuses implicit casts (an int32 input added to a
 * float32 parameter is a mistake there), while the Tensor API promotes as torch does.
 */
export type InferMode = 'compile' | 'run';

/**
 * `int_or_ints` is torch's "int or tuple" (a convolution's stride, a pool's kernel): one integer
 * for every axis, or a list of one per axis; words listed in `choices` are accepted too
 * (padding='same').
 */
export type AttrType = 'int' | 'float' | 'bool' | 'ints' | 'choice' | 'int_or_ints';

/** One attribute of an op. No `default` means the attribute is required. */
export interface AttrDef {
  name: string;
  type: AttrType;
  default?: AttrValue;
  /** Inclusive bounds for numbers (for each integer of an `int_or_ints`). */
  min?: number;
  max?: number;
  /** The allowed words of a `choice` attribute (and the words an `int_or_ints` one accepts). */
  choices?: readonly string[];
  /** How many integers the list of an `int_or_ints` attribute holds (one per axis). */
  length?: number;
  /**
   * An `int` or `ints` attribute that may hold sizes bound at run time: a symbol (`batch`) or a
   * product of symbols (`4*batch`), resolved from the inputs' sizes when the graph runs.
   */
  symbolic?: boolean;
  doc: string;
}

export type OpFamily =
  | 'arithmetic'
  | 'activation'
  | 'linear algebra'
  | 'convolution'
  | 'pooling'
  | 'shape'
  /** Ops without tensor operands (arange, zeros): the shape comes from the attributes. */
  | 'creation'
  | 'reduction'
  | 'probability'
  | 'regularisation'
  | 'normalisation'
  | 'lookup'
  | 'loss'
  | 'recurrent'
  | 'graph';

/** What an op reads beyond its operands: the mode (dropout) and the generator it draws from. */
export interface RunContext {
  training: boolean;
  rng: Rng;
}

/**
 * One call of an op on buffers: the interpreter builds one per recorded op, the execution plan
 * one per node (reused every step). `prepared` is what `prepare` computed for these shapes.
 * An optional operand that is absent is `undefined` in `inputs` and `shapes`, wherever it sits
 * (batch_norm's running statistics may be absent while its weight is given).
 */
export interface ForwardCall<A = Attrs, P = unknown> {
  readonly inputs: readonly Storage[];
  readonly shapes: readonly (readonly number[])[];
  readonly out: Storage;
  readonly shape: readonly number[];
  readonly attrs: A;
  readonly prepared: P;
  readonly context: RunContext;
  /**
   * A buffer kept from forward to backward under `key` (a dropout mask, log-probabilities):
   * allocated once per plan node, or per recorded op in the interpreter.
   */
  scratch(key: string, size: number, dtype?: DType): Storage;
}

/** The backward of one call: `grad` is the output's gradient; each `grads[i]` is overwritten. */
export interface BackwardCall<A = Attrs, P = unknown> extends ForwardCall<A, P> {
  readonly grad: Storage;
  /** Where operand i's gradient goes, or null when it needs none. */
  readonly grads: readonly (Storage | null)[];
}

export interface OperandDef {
  name: string;
  /**
   * May be left out: all operands after the first optional one are optional. Absent ones before
   * a given one are holes (null in the Tensor API, '' in a graph node's inputs, as ONNX writes
   * them; undefined in a ForwardCall).
   */
  optional?: boolean;
}

/** A parameter a module kind makes for itself, with torch's default init for that module. */
export interface ModuleParam {
  name: string;
  shape: number[];
  init: ResolvedInit;
}

/**
 * A buffer a module kind makes for itself: state that is never trained (running statistics),
 * with torch's name and initial value. `persistent` ones are in the state dict (torch's
 * register_buffer).
 */
export interface ModuleBuffer {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  init: ResolvedInit;
  persistent: boolean;
}

/**
 * A layer kind of `layers:` stacks (and of modules): its arguments, and from the input's shape
 * the parameters it makes, bound to the op's operands after the input. A kind without
 * parameters (an activation) takes the op's own attributes as its arguments.
 */
export interface ModuleKind {
  /** The kind's name in stacks (and modules): the op's by default (`batch_norm2d` for batch_norm). */
  name?: string;
  /** What the kind is, for the schema and docs: the op's doc by default (torch's module). */
  doc?: string;
  /**
   * The argument a scalar stands for (`linear: 10` is out = 10); the first by default; null
   * when a scalar would be a trap (torch's first argument of BatchNorm is the channels, which
   * come from the input): the settings are then always a mapping.
   */
  main?: string | null;
  /** Its arguments; the op's attributes by default. */
  args?: readonly AttrDef[];
  /**
   * The parameters, in the op's operand order after the input, for an input named `inName` of
   * shape `inShape`; a message when its size is not fixed (MS311), or a thrown ShapeIssue when
   * the arguments do not fit the input (its code is reported).
   */
  params?(inShape: readonly Dim[], args: Attrs, inName: string): ModuleParam[] | string;
  /** The buffers, for an input of shape `inShape` (see params); none by default. */
  buffers?(inShape: readonly Dim[], args: Attrs, inName: string): ModuleBuffer[] | string;
  /**
   * The op's operands after the input, as names of the module's parameters and buffers: an
   * operand whose name the module lacks (batch_norm's weight without `affine`) is absent. By
   * default the parameters in order, then the buffers.
   */
  operands?: readonly string[];
  /** The op's attributes from the module's arguments (the arguments themselves by default). */
  attrs?(args: Attrs): Attrs;
}

/**
 * Operands an op's forward updates in place (batch_norm's running statistics): always, or only
 * in training mode. Such operands are state, never trained: the Tensor API refuses one that
 * requires grad and bumps its version after each update; the compiler accepts only a buffer
 * there; the execution plan replays a superseded forward on their values of that time, so a
 * forward updates them exactly once.
 */
export interface OperandWrites {
  operands: readonly number[];
  when: 'always' | 'training';
}

/**
 * The one definition of an op: operands, attributes with defaults and bounds, ONE shape rule
 * (symbolic dims at compile time, numbers at run time), forward and backward on buffers, the
 * layer kind it makes, and its PyTorch and ONNX spellings. Everything else is derived from it:
 * the Tensor API, the compiler's catalogue, the execution plan, the schema, docs and tests.
 */
export interface OpDef<A = Attrs, P = unknown> {
  /** The spec's name, snake_case: `leaky_relu`. */
  name: string;
  family: OpFamily;
  /** One line for the reference: what the op computes. */
  doc: string;
  /** One line for the reference: the gradient (elementwise rows derive it from their formulas). */
  gradient?: string;
  operands: readonly OperandDef[];
  /**
   * An elementwise op of one operand computes each element from the same element alone, so it
   * may run in place (the plan fuses such an activation into the linear before it).
   */
  elementwise?: 'unary' | 'binary';
  /** The operands arrive as one list (`concat([a, b], axis=1)`). */
  listOperand?: boolean;
  /** Attributes in documented positional order. */
  attrs: readonly AttrDef[];
  /**
   * Shape and dtype of the result; throws ShapeIssue. Attributes arrive with defaults filled in.
   * `mode` says how strict dtypes are (see InferMode).
   */
  infer(args: readonly ValueInfo[], attrs: A, mode: InferMode): ValueInfo;
  /** What forward and backward need that depends only on the shapes (strides, split sizes). */
  prepare?(shapes: readonly (readonly number[])[], shape: readonly number[], attrs: A): P;
  forward(call: ForwardCall<A, P>): void;
  /** Absent for ops without a gradient (argmax). */
  backward?(call: BackwardCall<A, P>): void;
  /**
   * The tensors backward reads (operand indices, 'out', or 'operands' for all of a list operand's
   * tensors, however many), so that an in-place change to exactly those is reported, as torch's
   * saved-tensor checks do.
   */
  saves: readonly (number | 'out' | 'operands')[];
  /** What the op reads from the run context: the mode, the generator. */
  uses?: readonly ('training' | 'rng')[];
  /**
   * The Tensor API's mode when `training` is not given: true by default (F.dropout's);
   * F.batch_norm's is false.
   */
  trainingDefault?: boolean;
  /** The operands forward changes in place, and when (see OperandWrites). */
  writes?: OperandWrites;
  /** When the result is the input itself (dropout in eval mode): the Tensor API returns it as is. */
  passesThrough?(attrs: A, context: RunContext): boolean;
  /** The name of the Tensor API's options type (`ReduceOptions`, shared by sum, mean, max, min). */
  options?: string;
  /** torch's name for the gradFn (`AddBackward`): PascalCase of the name by default. */
  gradFn: string;
  /** The Tensor API function: camelCase of the name. */
  method: string;
  /** How many attributes may be given positionally, after the operands (all by default). */
  positional: number;
  /** The PyTorch expression, over operand and attribute names: fixtures and export. */
  torch: string;
  /** The ONNX operator it exports to. */
  onnx?: string;
  /** Makes it a layer kind of `layers:` stacks; several kinds, each named (batch_norm1d, batch_norm2d). */
  module?: ModuleKind | readonly ModuleKind[];
  /** Example calls: the per-op tests and the PyTorch fixtures are derived from them. */
  examples: readonly OpExample[];
}

/**
 * A definition as written in a file: operands as names (`'bias?'` is optional), attributes as a
 * record by name, and the derived fields left out where the default is right.
 */
export type OpSource<A = Attrs, P = unknown> = Omit<
  OpDef<A, P>,
  'gradFn' | 'method' | 'positional' | 'saves' | 'operands' | 'attrs'
> &
  Partial<Pick<OpDef<A, P>, 'gradFn' | 'method' | 'positional' | 'saves'>> & {
    operands: readonly string[];
    attrs?: Readonly<Record<string, Omit<AttrDef, 'name'>>>;
  };
