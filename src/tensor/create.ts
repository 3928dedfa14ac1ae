import { allocate, checkDType, type DType, dtypeOf, type Storage } from './dtype.js';
import { ShapeError, ValueError } from './errors.js';
import { Rng } from './rng.js';
import { checkShape, type Shape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  requiresGrad?: boolean;
  dtype?: DType;
}

/** What an op accepts where a tensor is expected: a tensor, a number, or nested arrays. */
export type TensorLike = Tensor | number | NestedArray;

/**
 * Builds a tensor from nested arrays, a number (a scalar of shape []), or a typed array with
 * `{ shape }`; a `shape` given with arrays reshapes their values (the sizes must agree).
 * The dtype defaults to float32 (int32 for an Int32Array).
 */
export function tensor(
  data: NestedArray | Storage,
  options: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  const dtype = checkDType(
    options.dtype ?? (ArrayBuffer.isView(data) ? dtypeOf(data as Storage) : 'float32'),
  );
  if (ArrayBuffer.isView(data)) {
    const shape = checkShape(options.shape ?? [data.length], 'tensor');
    const storage = allocate(dtype, data.length);
    storage.set(data);
    return new Tensor(storage, shape, { requiresGrad: options.requiresGrad });
  }
  const nestedShape = inferShape(data);
  const shape = options.shape ? checkShape(options.shape, 'tensor') : nestedShape;
  if (sizeOf(shape) !== sizeOf(nestedShape)) {
    throw new ShapeError(
      `tensor: ${sizeOf(nestedShape)} values cannot take shape [${shape.join(', ')}] (${sizeOf(shape)} elements)`,
    );
  }
  const storage = allocate(dtype, sizeOf(shape));
  let i = 0;
  const fill = (v: NestedArray, depth: number): void => {
    if (depth === nestedShape.length) {
      storage[i++] = Number(v);
      return;
    }
    const arr = v as NestedArray[];
    if (!Array.isArray(v) || arr.length !== nestedShape[depth]) {
      throw new ShapeError(
        `tensor: nested arrays are ragged (expected ${nestedShape[depth]} elements at depth ${depth})`,
      );
    }
    for (const x of arr) fill(x, depth + 1);
  };
  fill(data, 0);
  return new Tensor(storage, shape, { requiresGrad: options.requiresGrad });
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = data;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  if (!Array.isArray(v) && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new ValueError(`tensor: values must be numbers, not ${typeof v}`);
  }
  return shape;
}

/** Wraps numbers and arrays as tensors; a number takes the float dtype of `like` when given. */
export function asTensor(value: TensorLike, like?: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'number' && like) {
    const dtype = like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype;
    return full([], value, { dtype });
  }
  return tensor(value);
}

export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  const s = checkShape(shape, 'full');
  const storage = allocate(options.dtype ?? 'float32', sizeOf(s));
  storage.fill(value);
  return new Tensor(storage, s, { requiresGrad: options.requiresGrad });
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

let globalRng = new Rng(0);

/** Seeds the generator used by randn/rand/dropout when no seed or rng is given (torch.manual_seed). */
export function manualSeed(seed: number): void {
  globalRng = new Rng(seed);
}

export function defaultRng(): Rng {
  return globalRng;
}

export interface RandomOptions extends CreateOptions {
  seed?: number;
  rng?: Rng;
}

function pickRng(options: RandomOptions): Rng {
  return options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : globalRng);
}

/** Standard normal samples. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const rng = pickRng(options);
  const t = zeros(shape, { dtype: options.dtype });
  for (let i = 0; i < t.size; i++) t.storage[i] = rng.normal();
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const rng = pickRng(options);
  const t = zeros(shape, { dtype: options.dtype });
  for (let i = 0; i < t.size; i++) t.storage[i] = rng.uniform();
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/** 0, 1, ..., n-1 (float32 unless a dtype is given). */
export function arange(n: number, options: CreateOptions = {}): Tensor {
  const t = zeros([n], { dtype: options.dtype });
  for (let i = 0; i < n; i++) t.storage[i] = i;
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}
