import type { Dims } from './types.js';

/**
 * How two operands are read while walking their broadcast result in row-major order. Axes are
 * merged where all three arrays stay contiguous across them, so a same-shape pair is one run of
 * `inner` elements, a bias [n] under [rows, n] is `outer = rows` runs of n with b restarting
 * each time, and a scalar is one run with stride 0.
 */
export interface BroadcastLayout {
  /** Elements of the result. */
  size: number;
  /** Length of the innermost run and each operand's stride along it (0 or 1). */
  inner: number;
  ja: number;
  jb: number;
  /** The runs: their count, and per outer axis (outermost first) its size and operand strides. */
  outer: number;
  dims: number[];
  sa: number[];
  sb: number[];
  /** The odometer over the outer axes (reused; kernels are not reentrant). */
  index: number[];
}

/** Strides of `dims` read as `outDims` by broadcasting: 0 on every broadcast axis. */
export function broadcastStrides(dims: Dims, outDims: Dims): number[] {
  const rank = outDims.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = rank - dims.length + i;
    strides[d] = dims[i] === 1 ? 0 : s;
    s *= dims[i];
  }
  return strides;
}

export function broadcastLayout(aDims: Dims, bDims: Dims, outDims: Dims): BroadcastLayout {
  const size = outDims.reduce((n, d) => n * d, 1);
  const sa = broadcastStrides(aDims, outDims);
  const sb = broadcastStrides(bDims, outDims);
  // Merge axis k into k+1 (the faster one) when each operand's stride carries across it.
  const dims: number[] = [];
  const stridesA: number[] = [];
  const stridesB: number[] = [];
  for (let k = 0; k < outDims.length; k++) {
    if (outDims[k] === 1) continue;
    const last = dims.length - 1;
    if (
      last >= 0 &&
      stridesA[last] === sa[k] * outDims[k] &&
      stridesB[last] === sb[k] * outDims[k]
    ) {
      dims[last] *= outDims[k];
      stridesA[last] = sa[k];
      stridesB[last] = sb[k];
      continue;
    }
    dims.push(outDims[k]);
    stridesA.push(sa[k]);
    stridesB.push(sb[k]);
  }
  if (dims.length === 0 || size === 0) {
    return {
      size,
      inner: size,
      ja: 0,
      jb: 0,
      outer: size === 0 ? 0 : 1,
      dims: [],
      sa: [],
      sb: [],
      index: [],
    };
  }
  const inner = dims.pop() as number;
  const ja = stridesA.pop() as number;
  const jb = stridesB.pop() as number;
  return {
    size,
    inner,
    ja,
    jb,
    outer: size / inner,
    dims,
    sa: stridesA,
    sb: stridesB,
    index: dims.map(() => 0),
  };
}
