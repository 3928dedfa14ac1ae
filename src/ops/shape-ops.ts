import { record } from '../autograd/node.js';
import { copyAlongAxis, gatherAxis, scatterPositions, swapAxes } from '../kernels/layout.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { promote } from '../tensor/dtype.js';
import { formatShape, ShapeError, ValueError } from '../tensor/errors.js';
import { normalizeAxis, type Shape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';
import { empty } from './util.js';

// Every shape op returns new contiguous storage (no views): only detach() and .data share storage.

export interface ReshapeOptions {
  /** The new shape; one entry may be -1, inferred from the number of elements. */
  shape: readonly number[];
}

export function reshape(a: TensorLike, options: ReshapeOptions): Tensor {
  const x = asTensor(a);
  return reshapeTo('ReshapeBackward', x, resolveShape(x, options.shape));
}

/** The target shape with its -1 filled in, or a ShapeError naming both shapes and sizes. */
function resolveShape(x: Tensor, target: readonly number[]): number[] {
  const wildcards = target.filter((d) => d === -1).length;
  if (wildcards > 1 || target.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError(
      `reshape: shape ${formatShape(target)} may hold sizes >= 0 and at most one -1`,
    );
  }
  const known = sizeOf(target.filter((d) => d !== -1));
  const fits = wildcards === 0 ? known === x.size : known > 0 && x.size % known === 0;
  if (!fits) {
    const what = wildcards === 0 ? `${known} elements` : `a multiple of ${known} elements`;
    throw new ShapeError(
      `reshape: cannot turn ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(target)} (${what})`,
    );
  }
  return target.map((d) => (d === -1 ? x.size / known : d));
}

function reshapeTo(name: string, x: Tensor, shape: Shape): Tensor {
  const out = new Tensor(x.storage.slice(), shape);
  return record(name, [x], out, (g) => [new Tensor(g.storage, x.shape)]);
}

export interface FlattenOptions {
  startAxis?: number;
  endAxis?: number;
}

/**
 * Merges axes startAxis..endAxis into one. The default keeps axis 0 as the batch axis, like
 * nn.Flatten; a 1-D input then has no axis to flatten and is refused (as torch), and a scalar
 * becomes shape [1] (as torch.flatten).
 */
export function flatten(a: TensorLike, options: FlattenOptions = {}): Tensor {
  const x = asTensor(a);
  const { startAxis = 1, endAxis = -1 } = options;
  if (x.rank === 0) return reshapeTo('FlattenBackward', x, [1]);
  if (x.rank === 1 && startAxis === 1) {
    throw new ValueError(
      `flatten: start_axis=1 is out of range for the 1-D tensor ${formatShape(x.shape)} ` +
        '(flatten keeps axis 0 as the batch axis; pass startAxis: 0 to flatten everything)',
    );
  }
  const start = normalizeAxis(startAxis, x.rank, 'flatten');
  const end = normalizeAxis(endAxis, x.rank, 'flatten');
  if (start > end) {
    throw new ValueError(
      `flatten: start_axis ${startAxis} comes after end_axis ${endAxis} for ${formatShape(x.shape)}`,
    );
  }
  const shape = [
    ...x.shape.slice(0, start),
    sizeOf(x.shape.slice(start, end + 1)),
    ...x.shape.slice(end + 1),
  ];
  return reshapeTo('FlattenBackward', x, shape);
}

export interface TransposeOptions {
  axis0?: number;
  axis1?: number;
}

/** Swaps two axes (the last two by default) into new contiguous storage. */
export function transpose(a: TensorLike, options: TransposeOptions = {}): Tensor {
  const x = asTensor(a);
  if (x.rank < 2) {
    throw new ShapeError(
      `transpose: needs a tensor of at least 2 axes, got ${formatShape(x.shape)}`,
    );
  }
  const a0 = normalizeAxis(options.axis0 ?? -2, x.rank, 'transpose');
  const a1 = normalizeAxis(options.axis1 ?? -1, x.rank, 'transpose');
  return swapped(x, a0, a1);
}

function swapped(x: Tensor, a0: number, a1: number): Tensor {
  const shape = [...x.shape];
  [shape[a0], shape[a1]] = [shape[a1], shape[a0]];
  const out = empty(shape, x.dtype);
  swapAxes(x.storage, x.shape, a0, a1, out.storage);
  return record('TransposeBackward', [x], out, (g) => [swapped(g, a0, a1)]);
}

export interface ConcatOptions {
  axis?: number;
}

/** Joins tensors along an existing axis; all other axes must agree. dtypes promote as in add. */
export function concat(tensors: readonly TensorLike[], options: ConcatOptions = {}): Tensor {
  if (tensors.length === 0) throw new ValueError('concat: needs at least one tensor, got none');
  const parts = tensors.map((t) => asTensor(t));
  const first = parts[0];
  if (first.rank === 0) {
    throw new ShapeError('concat: scalars (shape []) cannot be joined; reshape them to [1] first');
  }
  const axisOption = options.axis ?? 0;
  const axis = normalizeAxis(axisOption, first.rank, 'concat');
  parts.forEach((part, i) => {
    const fits =
      part.rank === first.rank && part.shape.every((d, k) => k === axis || d === first.shape[k]);
    if (!fits) {
      throw new ShapeError(
        `concat along axis ${axisOption}: tensor ${i} of shape ${formatShape(part.shape)} does not fit tensor 0 of shape ${formatShape(first.shape)} (all axes but the concat axis must agree)`,
      );
    }
  });
  const length = parts.reduce((n, p) => n + p.shape[axis], 0);
  const shape = first.shape.map((d, k) => (k === axis ? length : d));
  const dtype = parts.map((p) => p.dtype).reduce(promote);
  const out = empty(shape, dtype);
  const offsets: number[] = [];
  let offset = 0;
  for (const part of parts) {
    offsets.push(offset);
    copyAlongAxis(part.storage, part.shape, axis, out.storage, length, offset);
    offset += part.shape[axis];
  }
  return record('ConcatBackward', parts, out, (g) =>
    parts.map((part, i) => {
      if (!part.requiresGrad) return null;
      const gi = empty(part.shape, g.dtype);
      copyAlongAxis(gi.storage, part.shape, axis, g.storage, length, offsets[i], true);
      return gi;
    }),
  );
}

export interface SliceOptions {
  axis?: number;
  start?: number;
  /** Exclusive; undefined or null means the end of the axis. */
  end?: number | null;
  step?: number;
}

/**
 * x[start:end:step] along one axis, with Python's rules: negative bounds count from the end,
 * bounds past either end are clamped, an empty range gives a length-0 axis. step >= 1.
 */
export function slice(a: TensorLike, options: SliceOptions = {}): Tensor {
  const x = asTensor(a);
  if (x.rank === 0) throw new ShapeError('slice: needs a tensor of at least 1 axis, got []');
  const { start = 0, end = null, step = 1 } = options;
  const axis = normalizeAxis(options.axis ?? 0, x.rank, 'slice');
  if (!Number.isInteger(step) || step < 1) {
    throw new ValueError(`slice: step must be an integer >= 1, got ${step}`);
  }
  if (!Number.isInteger(start) || (end !== null && !Number.isInteger(end))) {
    throw new ValueError(`slice: start and end must be integers, got start=${start} end=${end}`);
  }
  const dim = x.shape[axis];
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + dim : i, 0), dim);
  const from = clampIndex(start);
  const to = end === null ? dim : clampIndex(end);
  const positions: number[] = [];
  for (let i = from; i < to; i += step) positions.push(i);
  return gathered('SliceBackward', x, axis, positions, true);
}

export interface IndexOptions {
  axis?: number;
  /** The position to take; negative counts from the end. */
  index: number;
}

/** The sub-tensor at one position of an axis, with that axis dropped (torch's x.select). */
export function index(a: TensorLike, options: IndexOptions): Tensor {
  const x = asTensor(a);
  if (x.rank === 0) throw new ShapeError('index: needs a tensor of at least 1 axis, got []');
  const axis = normalizeAxis(options.axis ?? 0, x.rank, 'index');
  const dim = x.shape[axis];
  const i = options.index;
  if (!Number.isInteger(i) || i < -dim || i >= dim) {
    throw new ValueError(
      `index: index ${i} is out of range for axis ${options.axis ?? 0} of size ${dim} (shape ${formatShape(x.shape)})`,
    );
  }
  return gathered('IndexBackward', x, axis, [i < 0 ? i + dim : i], false);
}

/** x at `positions` along `axis`; the axis is kept (length positions.length) or dropped. */
function gathered(
  name: string,
  x: Tensor,
  axis: number,
  positions: readonly number[],
  keepAxis: boolean,
): Tensor {
  const shape = keepAxis
    ? x.shape.map((d, k) => (k === axis ? positions.length : d))
    : x.shape.filter((_, k) => k !== axis);
  const out = empty(shape, x.dtype);
  gatherAxis(x.storage, x.shape, axis, positions, out.storage);
  return record(name, [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    scatterPositions(g.storage, x.shape, axis, positions, gx.storage);
    return [gx];
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    reshape(options: ReshapeOptions): Tensor;
    flatten(options?: FlattenOptions): Tensor;
    transpose(options?: TransposeOptions): Tensor;
    slice(options?: SliceOptions): Tensor;
    index(options: IndexOptions): Tensor;
    /** The transpose of a 2-D tensor (the spec's `.T`). */
    readonly T: Tensor;
  }
}

defineMethods({ reshape, flatten, transpose, slice, index });

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor): Tensor {
    if (this.rank !== 2) {
      throw new ShapeError(
        `.T is for 2-D tensors, got ${formatShape(this.shape)}; use transpose({ axis0, axis1 })`,
      );
    }
    return swapped(this, 0, 1);
  },
  configurable: true,
});
