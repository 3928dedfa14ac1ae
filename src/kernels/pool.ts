import type { NumArray } from './types.js';

// Pooling over the last two axes of [planes, height, width] (a 1-D pool is height 1), with
// torch's window arithmetic: window (oy, ox) starts at (oy·strideH − padTop, ox·strideW −
// padLeft) and spans kernelH × kernelW positions; positions outside the input are padding.

export interface PoolGeometry {
  planes: number;
  height: number;
  width: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Calls `visit` for every window in output order: its index o, and the rows [ys, y1) and
 * columns [xs, x1) of the plane starting at `base` that it covers inside the input.
 */
function eachWindow(
  g: PoolGeometry,
  visit: (o: number, base: number, ys: number, y1: number, xs: number, x1: number) => void,
): void {
  const plane = g.height * g.width;
  let o = 0;
  for (let c = 0; c < g.planes; c++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      const y0 = oy * g.strideHeight - g.padTop;
      const ys = Math.max(y0, 0);
      const y1 = Math.min(y0 + g.kernelHeight, g.height);
      for (let ox = 0; ox < g.outWidth; ox++) {
        const x0 = ox * g.strideWidth - g.padLeft;
        visit(o++, c * plane, ys, y1, Math.max(x0, 0), Math.min(x0 + g.kernelWidth, g.width));
      }
    }
  }
}

/**
 * out = the maximum of each window, at = its position in the plane (y·width + x), as torch's
 * CPU kernel finds it: scanning row by row, a value replaces the best so far when it is
 * greater or NaN; padding never wins (the best starts at −∞ at the window's first position
 * inside the input).
 */
export function maxPoolForward(x: NumArray, out: NumArray, at: Int32Array, g: PoolGeometry): void {
  const width = g.width;
  eachWindow(g, (o, base, ys, y1, xs, x1) => {
    let best = Number.NEGATIVE_INFINITY;
    let where = ys * width + xs;
    for (let y = ys; y < y1; y++) {
      for (let i = y * width + xs; i < y * width + x1; i++) {
        const v = x[base + i];
        if (v > best || Number.isNaN(v)) {
          best = v;
          where = i;
        }
      }
    }
    out[o] = best;
    at[o] = where;
  });
}

/** gx (overwritten): each output's gradient added at its maximum's position. */
export function maxPoolBackward(
  grad: NumArray,
  at: Int32Array,
  gx: NumArray,
  g: PoolGeometry,
): void {
  gx.fill(0);
  const plane = g.height * g.width;
  const per = g.outHeight * g.outWidth;
  for (let c = 0; c < g.planes; c++) {
    for (let o = c * per; o < (c + 1) * per; o++) gx[c * plane + at[o]] += grad[o];
  }
}

/**
 * out = the sum of each window's input positions divided by kernelH·kernelW: the padding
 * counts as zeros (torch's count_include_pad=True; without ceil_mode a window never passes the
 * padded input, so every divisor is the kernel's size).
 */
export function avgPoolForward(x: NumArray, out: NumArray, g: PoolGeometry): void {
  const { width } = g;
  const divisor = g.kernelHeight * g.kernelWidth;
  eachWindow(g, (o, base, ys, y1, xs, x1) => {
    let sum = 0;
    for (let y = ys; y < y1; y++) {
      for (let i = base + y * width + xs; i < base + y * width + x1; i++) sum += x[i];
    }
    out[o] = sum / divisor;
  });
}

/** gx (overwritten): each output's gradient / (kernelH·kernelW) added over its window. */
export function avgPoolBackward(grad: NumArray, gx: NumArray, g: PoolGeometry): void {
  gx.fill(0);
  const { width } = g;
  const divisor = g.kernelHeight * g.kernelWidth;
  eachWindow(g, (o, base, ys, y1, xs, x1) => {
    const share = grad[o] / divisor;
    for (let y = ys; y < y1; y++) {
      for (let i = base + y * width + xs; i < base + y * width + x1; i++) gx[i] += share;
    }
  });
}

/** Window o of `outs` over `size` positions: [⌊o·size/outs⌋, ⌈(o+1)·size/outs⌉), as torch. */
function adaptiveRange(o: number, size: number, outs: number): [number, number] {
  return [Math.floor((o * size) / outs), Math.ceil(((o + 1) * size) / outs)];
}

/**
 * Calls `visit` for every window of adaptive pooling [planes, height, width] to
 * [planes, outHeight, outWidth], in output order, with the rows and columns it covers.
 */
function eachAdaptiveWindow(
  planes: number,
  [height, width]: readonly number[],
  [outHeight, outWidth]: readonly number[],
  visit: (o: number, base: number, y0: number, y1: number, x0: number, x1: number) => void,
): void {
  let o = 0;
  for (let c = 0; c < planes; c++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const [y0, y1] = adaptiveRange(oy, height, outHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const [x0, x1] = adaptiveRange(ox, width, outWidth);
        visit(o++, c * height * width, y0, y1, x0, x1);
      }
    }
  }
}

/** Adaptive average pooling of [planes, height, width] to [planes, outHeight, outWidth]. */
export function adaptiveAvgPoolForward(
  x: NumArray,
  out: NumArray,
  planes: number,
  size: readonly number[],
  outSize: readonly number[],
): void {
  const width = size[1];
  eachAdaptiveWindow(planes, size, outSize, (o, base, y0, y1, x0, x1) => {
    let sum = 0;
    for (let y = y0; y < y1; y++) {
      for (let i = base + y * width + x0; i < base + y * width + x1; i++) sum += x[i];
    }
    out[o] = sum / ((y1 - y0) * (x1 - x0));
  });
}

/** gx (overwritten): each output's gradient spread evenly over its window. */
export function adaptiveAvgPoolBackward(
  grad: NumArray,
  gx: NumArray,
  planes: number,
  size: readonly number[],
  outSize: readonly number[],
): void {
  gx.fill(0);
  const width = size[1];
  eachAdaptiveWindow(planes, size, outSize, (o, base, y0, y1, x0, x1) => {
    const share = grad[o] / ((y1 - y0) * (x1 - x0));
    for (let y = y0; y < y1; y++) {
      for (let i = base + y * width + x0; i < base + y * width + x1; i++) gx[i] += share;
    }
  });
}
