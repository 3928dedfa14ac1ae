import { defaultRng } from '../tensor/create.js';
import { DTypeError, formatShape, ValueError } from '../tensor/errors.js';
import type { Rng } from '../tensor/rng.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

// torch.nn.init with modelspec's seeded Rng. Each `name_` fills a tensor in place, like torch's
// trailing-underscore functions: it writes the storage directly (never recorded by autograd, so
// it works on Parameters) and bumps the version so a backward that saved the tensor notices.

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const UNIT_GAIN = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
];

/**
 * torch.nn.init.calculate_gain: the factor that keeps the variance of activations steady through
 * a nonlinearity. `param` is leaky_relu's negative slope (0.01 when left out).
 */
export function calculateGain(nonlinearity: string, param?: number): number {
  if (UNIT_GAIN.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
  }
  throw new ValueError(
    `calculateGain: unsupported nonlinearity '${nonlinearity}' (known: ${[...UNIT_GAIN, 'tanh', 'relu', 'leaky_relu', 'selu'].join(', ')})`,
  );
}

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * torch.nn.init._calculate_fan_in_and_fan_out: dim 1 is fan_in and dim 0 fan_out, each times the
 * receptive field (the product of the dims after the first two).
 */
export function calculateFanInAndFanOut(shape: Shape, op = 'init'): Fans {
  if (shape.length < 2) {
    throw new ValueError(
      `${op}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${formatShape(shape)}); pass fanIn/fanOut`,
    );
  }
  let receptive = 1;
  for (const d of shape.slice(2)) receptive *= d;
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Fans given explicitly (the compiler knows how a parameter is contracted) win over torch's rule. */
export interface FanOptions {
  fanIn?: number | null;
  fanOut?: number | null;
}

function resolveFan(t: Tensor, which: 'fanIn' | 'fanOut', options: FanOptions, op: string): number {
  const given = options[which];
  if (given !== undefined && given !== null) return given;
  return calculateFanInAndFanOut(t.shape, op)[which];
}

interface RngOption {
  /** Defaults to the generator behind manualSeed(). */
  rng?: Rng;
}

function fill(t: Tensor, draw: (i: number) => number): Tensor {
  const s = t.storage;
  for (let i = 0; i < s.length; i++) s[i] = draw(i);
  t.version.value++;
  return t;
}

function requireFloat(t: Tensor, op: string): void {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${op}: needs a float tensor, got int32 (shape ${formatShape(t.shape)})`);
  }
}

export function constant_(t: Tensor, options: { value: number }): Tensor {
  return fill(t, () => options.value);
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, { value: 0 });
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, { value: 1 });
}

/** Uniform samples in [low, high). */
export function uniform_(
  t: Tensor,
  options: { low?: number; high?: number } & RngOption = {},
): Tensor {
  const { low = 0, high = 1 } = options;
  requireFloat(t, 'uniform_');
  if (!(low <= high)) {
    throw new ValueError(`uniform_: low ${low} must not exceed high ${high}`);
  }
  const rng = options.rng ?? defaultRng();
  return fill(t, () => low + (high - low) * rng.uniform());
}

/** Normal samples with the given mean and standard deviation. */
export function normal_(
  t: Tensor,
  options: { mean?: number; std?: number } & RngOption = {},
): Tensor {
  const { mean = 0, std = 1 } = options;
  requireFloat(t, 'normal_');
  if (!(std >= 0)) throw new ValueError(`normal_: std must be >= 0, got ${std}`);
  const rng = options.rng ?? defaultRng();
  return fill(t, () => mean + std * rng.normal());
}

export type XavierOptions = { gain?: number } & FanOptions & RngOption;

function xavierStd(t: Tensor, options: XavierOptions, op: string): number {
  const fanIn = resolveFan(t, 'fanIn', options, op);
  const fanOut = resolveFan(t, 'fanOut', options, op);
  return (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot uniform: U(−b, b) with b = gain·√(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, options: XavierOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(t, options, 'xavier_uniform_');
  return uniform_(t, { low: -bound, high: bound, rng: options.rng });
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, options: XavierOptions = {}): Tensor {
  return normal_(t, { std: xavierStd(t, options, 'xavier_normal_'), rng: options.rng });
}

export type KaimingOptions = {
  /** leaky_relu's negative slope (default 0, which makes leaky_relu's gain that of relu). */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
} & FanOptions &
  RngOption;

/** std = gain / √fan, the fan chosen by `mode`; a zero fan leaves the tensor as it is (torch warns). */
function kaimingStd(t: Tensor, options: KaimingOptions, op: string): number | null {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options;
  if (mode !== 'fan_in' && mode !== 'fan_out') {
    throw new ValueError(`${op}: mode must be 'fan_in' or 'fan_out', got '${mode}'`);
  }
  if (t.size === 0) return null;
  const fan = resolveFan(t, mode === 'fan_in' ? 'fanIn' : 'fanOut', options, op);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** He uniform: U(−b, b) with b = gain·√(3 / fan). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd(t, options, 'kaiming_uniform_');
  if (std === null) return t;
  const bound = Math.sqrt(3) * std;
  return uniform_(t, { low: -bound, high: bound, rng: options.rng });
}

/** He normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd(t, options, 'kaiming_normal_');
  if (std === null) return t;
  return normal_(t, { std, rng: options.rng });
}

/**
 * torch.nn.Linear's reset_parameters: weight [out, in] from kaiming_uniform(a = √5), which is
 * U(−1/√in, 1/√in), then bias from U(−1/√in, 1/√in) (drawn in that order from `rng`).
 */
export function linearInit_(weight: Tensor, bias: Tensor | null, options: RngOption = {}): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), rng: options.rng });
  if (bias === null) return;
  const { fanIn } = calculateFanInAndFanOut(weight.shape, 'linearInit_');
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, { low: -bound, high: bound, rng: options.rng });
}

/** Zeroes row `row` of a 2-D tensor. */
function zeroRow_(t: Tensor, row: number): void {
  if (t.rank !== 2 || !Number.isInteger(row) || row < 0 || row >= t.shape[0]) {
    throw new ValueError(
      `init normal: zeroRow ${row} is not a row of a 2-D tensor of shape ${formatShape(t.shape)}`,
    );
  }
  t.storage.fill(0, row * t.shape[1], (row + 1) * t.shape[1]);
  t.version.value++;
}

/** An init by its spec name with its arguments, as the compiler resolves it (graph.ts's ResolvedInit). */
export interface InitSpec {
  kind: string;
  [argument: string]: unknown;
}

type Initializer = (t: Tensor, args: Record<string, unknown>, rng: Rng) => Tensor;

const INITIALIZERS: Record<string, Initializer> = {
  zeros: (t) => zeros_(t),
  ones: (t) => ones_(t),
  constant: (t, args) => constant_(t, { value: args.value as number }),
  normal: (t, { zeroRow, ...args }, rng) => {
    normal_(t, { ...args, rng });
    // nn.Embedding: the padding row is drawn with the rest, then zeroed.
    if (zeroRow !== undefined) zeroRow_(t, zeroRow as number);
    return t;
  },
  uniform: (t, args, rng) => uniform_(t, { ...args, rng }),
  xavier_uniform: (t, args, rng) => xavierUniform_(t, { ...args, rng }),
  xavier_normal: (t, args, rng) => xavierNormal_(t, { ...args, rng }),
  kaiming_uniform: (t, args, rng) => kaimingUniform_(t, { ...args, rng }),
  kaiming_normal: (t, args, rng) => kaimingNormal_(t, { ...args, rng }),
};

/** Which arguments each init reads (camelCase, as the options of the `_` functions). */
const ARGUMENTS: Record<string, readonly string[]> = {
  zeros: [],
  ones: [],
  constant: ['value'],
  normal: ['mean', 'std', 'zeroRow'],
  uniform: ['low', 'high'],
  xavier_uniform: ['gain', 'fanIn', 'fanOut'],
  xavier_normal: ['gain', 'fanIn', 'fanOut'],
  kaiming_uniform: ['a', 'mode', 'nonlinearity', 'fanIn', 'fanOut'],
  kaiming_normal: ['a', 'mode', 'nonlinearity', 'fanIn', 'fanOut'],
};

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Fills `t` as `spec` says: `{ kind: 'kaiming_uniform', a: 0, mode: 'fan_in', fanIn: 784 }`.
 * Kinds are the spec's names (snake_case; camelCase is accepted too); argument names may be
 * camelCase or snake_case (`fan_in`); a null argument counts as not given.
 */
export function initTensor(t: Tensor, spec: InitSpec, rng: Rng): Tensor {
  const kind = spec.kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const initializer = INITIALIZERS[kind];
  if (initializer === undefined) {
    throw new ValueError(
      `init: unknown kind '${spec.kind}' (known: ${Object.keys(INITIALIZERS).join(', ')})`,
    );
  }
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(spec)) {
    if (name === 'kind' || value === null || value === undefined) continue;
    const key = camel(name);
    if (!ARGUMENTS[kind].includes(key)) {
      const known = ARGUMENTS[kind];
      throw new ValueError(
        `init ${kind}: unknown argument '${name}' (${known.length ? `known: ${known.join(', ')}` : 'it takes none'})`,
      );
    }
    args[key] = value;
  }
  if (kind === 'constant' && typeof args.value !== 'number') {
    throw new ValueError('init constant: needs a numeric value');
  }
  return initializer(t, args, rng);
}
