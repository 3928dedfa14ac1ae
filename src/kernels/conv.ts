import { matmulKernel } from './backend.js';
import type { Conv2dShape } from './native/conv.js';
import type { NumArray } from './types.js';

// 2-D convolution, NCHW, as products on im2col columns (a 1-D convolution is the case
// height = kernel height = 1). For an image n and a group g, im2col lays the receptive fields
// out as the columns of col [K = cg·kh·kw, P = oh·ow]; then
//   forward:         out[n, g]  = W_g · col                   (+ the bias per channel)
//   input gradient:  dcol       = W_gᵀ · G[n, g], which col2im sums back into grad_x
//   weight gradient: grad W_g  += G[n, g] · colᵀ, image after image
// Every product goes through matmulKernel(), so a faster backend speeds convolutions up too.
// The geometry is the native kernels' Conv2dShape (padding given per side).

export type { Conv2dShape };

/** The sizes every loop below needs, derived once from the geometry. */
export interface ConvLayout {
  shape: Conv2dShape;
  /** Input and output channels per group. */
  cg: number;
  ocg: number;
  outHeight: number;
  outWidth: number;
  /** Rows of col: cg·kh·kw. */
  k: number;
  /** Columns of col: outHeight·outWidth. */
  p: number;
  /** 1×1, stride 1, no padding: the input itself is col (no rows needed). */
  direct: boolean;
  /**
   * One entry per output row of every row of col (cg·kh·kw·outHeight entries), four integers
   * each: where the row starts in col, where its output column 0 would read in the group's
   * input (outside it when padded), and the output columns [lo, hi) that read inside the
   * input (lo = hi for a row of padding). Computed once per geometry.
   */
  rows: Int32Array;
}

const extent = (size: number, pad: number, dilation: number, kernel: number, stride: number) =>
  Math.floor((size + pad - dilation * (kernel - 1) - 1) / stride) + 1;

export function convLayout(s: Conv2dShape): ConvLayout {
  const cg = s.inChannels / s.groups;
  const oh = extent(
    s.height,
    s.padTop + s.padBottom,
    s.dilationHeight,
    s.kernelHeight,
    s.strideHeight,
  );
  const ow = extent(s.width, s.padLeft + s.padRight, s.dilationWidth, s.kernelWidth, s.strideWidth);
  const direct =
    s.kernelHeight === 1 &&
    s.kernelWidth === 1 &&
    s.strideHeight === 1 &&
    s.strideWidth === 1 &&
    s.padTop + s.padBottom + s.padLeft + s.padRight === 0;
  const p = oh * ow;
  const k = cg * s.kernelHeight * s.kernelWidth;
  const rows = new Int32Array(direct ? 0 : 4 * k * oh);
  let r = 0;
  for (let c = 0; c < (direct ? 0 : cg); c++) {
    for (let ki = 0; ki < s.kernelHeight; ki++) {
      for (let kj = 0; kj < s.kernelWidth; kj++) {
        const colRow = ((c * s.kernelHeight + ki) * s.kernelWidth + kj) * p;
        // The input column of output column 0, and the output columns reading inside the input.
        const x0 = kj * s.dilationWidth - s.padLeft;
        const lo = x0 >= 0 ? 0 : Math.min(ow, Math.ceil(-x0 / s.strideWidth));
        const hi =
          x0 >= s.width ? 0 : Math.min(ow, Math.floor((s.width - 1 - x0) / s.strideWidth) + 1);
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * s.strideHeight - s.padTop + ki * s.dilationHeight;
          const inside = iy >= 0 && iy < s.height;
          rows[r++] = colRow + oy * ow;
          rows[r++] = (c * s.height + iy) * s.width + x0;
          rows[r++] = inside ? lo : 0;
          rows[r++] = inside ? Math.max(lo, hi) : 0;
        }
      }
    }
  }
  return {
    shape: s,
    cg,
    ocg: s.outChannels / s.groups,
    outHeight: oh,
    outWidth: ow,
    k,
    p,
    direct,
    rows,
  };
}

/** col [k, p] from the cg channels of one image and group starting at x[at]. */
export function im2col(x: NumArray, at: number, l: ConvLayout, col: NumArray): void {
  const { rows, outWidth: ow } = l;
  const stride = l.shape.strideWidth;
  for (let r = 0; r < rows.length; r += 4) {
    const dst = rows[r];
    const src = at + rows[r + 1];
    const lo = rows[r + 2];
    const hi = rows[r + 3];
    col.fill(0, dst, dst + lo);
    for (let ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox * stride];
    col.fill(0, dst + hi, dst + ow);
  }
}

/** Adds each entry of col [k, p] into the input position it was taken from (grad_x at `at`). */
export function col2im(col: NumArray, l: ConvLayout, gx: NumArray, at: number): void {
  const { rows } = l;
  const stride = l.shape.strideWidth;
  for (let r = 0; r < rows.length; r += 4) {
    const dst = at + rows[r + 1];
    const src = rows[r];
    for (let ox = rows[r + 2]; ox < rows[r + 3]; ox++) gx[dst + ox * stride] += col[src + ox];
  }
}

/** The (image, group) blocks of a convolution, with the offsets of their data. */
function eachBlock(
  l: ConvLayout,
  visit: (xAt: number, wAt: number, outAt: number, group: number) => void,
): void {
  const s = l.shape;
  const plane = s.height * s.width;
  for (let n = 0; n < s.batch; n++) {
    for (let g = 0; g < s.groups; g++) {
      visit(
        (n * s.inChannels + g * l.cg) * plane,
        g * l.ocg * l.k,
        (n * s.outChannels + g * l.ocg) * l.p,
        g,
      );
    }
  }
}

/**
 * The columns of the block at x[xAt]: the input itself for a direct convolution (col is then
 * null), else `col` filled by im2col.
 */
function columns(x: NumArray, xAt: number, l: ConvLayout, col: NumArray | null): NumArray {
  if (col === null) return x.subarray(xAt, xAt + l.k * l.p);
  im2col(x, xAt, l, col);
  return col;
}

/**
 * out [batch, outChannels, oh, ow] = conv(x, weight) + bias. `col` holds k·p values (null for
 * a direct convolution, which needs none).
 */
export function convForward(
  x: NumArray,
  weight: NumArray,
  bias: NumArray | null,
  out: NumArray,
  l: ConvLayout,
  col: NumArray | null,
): void {
  const matmul = matmulKernel();
  const { k, p, ocg } = l;
  eachBlock(l, (xAt, wAt, outAt, g) => {
    const block = out.subarray(outAt, outAt + ocg * p);
    matmul(
      weight.subarray(wAt, wAt + ocg * k),
      columns(x, xAt, l, col),
      block,
      ocg,
      k,
      p,
      false,
      false,
      false,
    );
    if (bias === null) return;
    for (let c = 0; c < ocg; c++) {
      const b = bias[g * ocg + c];
      for (let i = c * p; i < (c + 1) * p; i++) block[i] += b;
    }
  });
}

/** gx (overwritten) = the gradient of the input; `dcol` holds k·p values (null when direct). */
export function convBackwardInput(
  grad: NumArray,
  weight: NumArray,
  gx: NumArray,
  l: ConvLayout,
  dcol: NumArray | null,
): void {
  const matmul = matmulKernel();
  const { k, p, ocg } = l;
  if (dcol !== null) gx.fill(0);
  eachBlock(l, (xAt, wAt, outAt) => {
    const g = grad.subarray(outAt, outAt + ocg * p);
    const w = weight.subarray(wAt, wAt + ocg * k);
    if (dcol === null) {
      matmul(w, g, gx.subarray(xAt, xAt + k * p), k, ocg, p, true, false, false);
      return;
    }
    matmul(w, g, dcol, k, ocg, p, true, false, false);
    col2im(dcol, l, gx, xAt);
  });
}

/**
 * gw (overwritten) = the gradient of the weight, and gb (when not null) that of the bias; `col`
 * holds k·p values (null when direct).
 */
export function convBackwardWeight(
  x: NumArray,
  grad: NumArray,
  gw: NumArray | null,
  gb: NumArray | null,
  l: ConvLayout,
  col: NumArray | null,
): void {
  const matmul = matmulKernel();
  const { k, p, ocg } = l;
  const s = l.shape;
  if (gw) {
    gw.fill(0);
    eachBlock(l, (xAt, wAt, outAt) => {
      const g = grad.subarray(outAt, outAt + ocg * p);
      matmul(
        g,
        columns(x, xAt, l, col),
        gw.subarray(wAt, wAt + ocg * k),
        ocg,
        p,
        k,
        false,
        true,
        true,
      );
    });
  }
  if (gb) {
    for (let c = 0; c < s.outChannels; c++) {
      let sum = 0;
      for (let n = 0; n < s.batch; n++) {
        const at = (n * s.outChannels + c) * p;
        for (let i = at; i < at + p; i++) sum += grad[i];
      }
      gb[c] = sum;
    }
  }
}
