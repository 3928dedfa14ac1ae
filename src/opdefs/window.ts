import { type Dim, formatShape } from './dims.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import type { ValueInfo } from './types.js';

// Shape rules shared by the ops that slide a window over the spatial axes of [batch, channels,
// ...spatial] (or unbatched [channels, ...spatial]): convolutions and pools.

const AXES: Record<number, string> = {
  1: '[batch, channels, length] or [channels, length]',
  2: '[batch, channels, height, width] or [channels, height, width]',
};

/** The input's layout: whether it has a batch axis, its channels and its spatial sizes. */
export interface SpatialInput {
  batched: boolean;
  channels: Dim;
  spatial: Dim[];
}

export function spatialInput(op: string, x: ValueInfo, rank: number): SpatialInput {
  const { shape } = x;
  if (shape.length !== rank + 1 && shape.length !== rank + 2) {
    throw new ShapeIssue(
      CODES.axis,
      `${op} needs an input ${AXES[rank]}, got ${formatShape(shape)}`,
      0,
    );
  }
  const batched = shape.length === rank + 2;
  return { batched, channels: shape[shape.length - rank - 1], spatial: shape.slice(-rank) };
}

/** The concrete sizes [batch, channels, ...spatial] of an input, batch 1 when it has none. */
export function batchedSizes(shape: readonly number[], rank: number): number[] {
  return shape.length === rank + 2 ? [...shape] : [1, ...shape];
}

/** Whether `dim` is one symbol or wholly inside one pair of parentheses. */
function isFactor(dim: string): boolean {
  if (/^[A-Za-z0-9_]+$/.test(dim)) return true;
  let depth = 0;
  for (let i = 0; i < dim.length; i++) {
    if (dim[i] === '(') depth += 1;
    else if (dim[i] === ')') depth -= 1;
    if (depth === 0 && i < dim.length - 1) return false;
  }
  return dim.startsWith('(');
}

const plain = (dim: string) => (isFactor(dim) ? dim : `(${dim})`);

/**
 * How many windows fit along an axis: ⌊(size + padding − span) / stride⌋ + 1, where span is
 * the positions one window covers. A symbolic size gives a derived dim (the size itself when
 * the window keeps it).
 */
function windowCount(size: Dim, padding: number, span: number, stride: number): Dim {
  const delta = padding - span;
  if (typeof size === 'number') return Math.floor((size + delta) / stride) + 1;
  const offset = (n: number) => (n === 0 ? '' : n > 0 ? `+${n}` : `-${-n}`);
  if (stride === 1) return delta + 1 === 0 ? size : `(${plain(size)}${offset(delta + 1)})`;
  return `((${plain(size)}${offset(delta)})//${stride}+1)`;
}

export interface Window {
  /** Window size per spatial axis (before dilation). */
  kernel: number[];
  stride: number[];
  /** Zero padding per axis, before and after. */
  before: number[];
  after: number[];
  dilation: number[];
}

/** A window parameter: one number when it is the same for every axis. */
const listed = (values: readonly (number | string)[]) =>
  values.every((v) => v === values[0]) ? String(values[0]) : formatShape(values);

/**
 * The output's spatial sizes; a ShapeIssue (MS312) when the window spans more than the padded
 * input along an axis (torch: "Kernel size can't be greater than actual input size").
 */
export function windowOutput(op: string, what: string, spatial: readonly Dim[], w: Window): Dim[] {
  const spans = w.kernel.map((k, i) => w.dilation[i] * (k - 1) + 1);
  const padded = spatial.map((size, i) =>
    typeof size === 'number' ? size + w.before[i] + w.after[i] : null,
  );
  if (padded.some((size, i) => size !== null && size < spans[i])) {
    const dilated = w.dilation.some((d) => d !== 1)
      ? ` with dilation ${listed(w.dilation)} spans ${listed(spans)} and`
      : '';
    const padding = w.kernel.map((_, i) =>
      w.before[i] === w.after[i] ? String(w.before[i]) : `${w.before[i]}+${w.after[i]}`,
    );
    throw new ShapeIssue(
      CODES.window,
      `${op}: the ${what} ${listed(w.kernel)}${dilated} does not fit the padded input ${formatShape(padded.map((p, i) => p ?? spatial[i]))} (input ${formatShape(spatial)}, padding ${listed(padding)})`,
    );
  }
  return spatial.map((size, i) =>
    windowCount(size, w.before[i] + w.after[i], spans[i], w.stride[i]),
  );
}
