import { broadcastLayout } from './broadcast.js';
import type { Dims, NumArray } from './types.js';

/**
 * Copies `src` broadcast to `outDims` (the gradient of a reduction spreads back this way, and
 * copy_ fills a tensor with it).
 */
export function expandTo(src: NumArray, srcDims: Dims, out: NumArray, outDims: Dims): void {
  if (src.length === out.length) {
    out.set(src);
    return;
  }
  const layout = broadcastLayout(srcDims, srcDims.length === 0 ? [] : srcDims, outDims);
  const { inner, ja, dims, sa, index } = layout;
  index.fill(0);
  let ia0 = 0;
  let io = 0;
  for (let r = 0; r < layout.outer; r++) {
    for (let j = 0; j < inner; j++) out[io++] = src[ia0 + j * ja];
    for (let k = dims.length - 1; k >= 0; k--) {
      index[k]++;
      ia0 += sa[k];
      if (index[k] < dims[k]) break;
      ia0 -= sa[k] * dims[k];
      index[k] = 0;
    }
  }
}

/**
 * out (shape `dims`) = src (shape `srcDims`, a broadcast of `dims`) summed over the axes that
 * were broadcast: expandTo's backward, the gradient of a broadcast operand.
 */
export function sumTo(src: NumArray, srcDims: Dims, out: NumArray, dims: Dims): void {
  if (src.length === out.length) {
    out.set(src);
    return;
  }
  if (out.length === 1) {
    let total = 0;
    for (let i = 0; i < src.length; i++) total += src[i];
    out[0] = total;
    return;
  }
  const layout = broadcastLayout(dims, dims, srcDims);
  const { inner, ja, sa, index } = layout;
  const axes = layout.dims;
  out.fill(0);
  index.fill(0);
  let ia0 = 0;
  let io = 0;
  for (let r = 0; r < layout.outer; r++) {
    for (let j = 0; j < inner; j++) out[ia0 + j * ja] += src[io++];
    for (let k = axes.length - 1; k >= 0; k--) {
      index[k]++;
      ia0 += sa[k];
      if (index[k] < axes[k]) break;
      ia0 -= sa[k] * axes[k];
      index[k] = 0;
    }
  }
}
