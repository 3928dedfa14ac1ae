// Fused forward of a torch-layout linear layer: out[m×n] = act(x[m×k] · w[n×k]ᵀ + bias[n]).
// The weight is read transposed by the gemm's packing, so it is never materialised as k×n.
import { gemmBlock } from './gemm';

/**
 * Output rows [rowStart, rowEnd) and columns [colStart, colEnd) of the layer; `prepackedX` as
 * gemmBlock's `prepackedA`.
 */
export function linearBlock(
  x: usize,
  w: usize,
  bias: usize,
  out: usize,
  m: i32,
  k: i32,
  n: i32,
  hasBias: bool,
  relu: bool,
  work: usize,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
  prepackedX: usize,
): void {
  gemmBlock(x, w, out, m, k, n, false, true, false, work, rowStart, rowEnd, colStart, colEnd, prepackedX);
  if (hasBias || relu) epilogue(out, bias, n, hasBias, relu, rowStart, rowEnd, colStart, colEnd);
}

/** Adds the bias to each output row, then applies ReLU; max keeps NaN as NaN, as torch.relu does. */
function epilogue(
  out: usize,
  bias: usize,
  n: i32,
  hasBias: bool,
  relu: bool,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
): void {
  const zero = f32x4.splat(0);
  for (let i = rowStart; i < rowEnd; i++) {
    const row = out + ((<usize>i * <usize>n) << 2);
    let j = colStart;
    for (; j + 4 <= colEnd; j += 4) {
      const at = row + (<usize>j << 2);
      let v = v128.load(at);
      if (hasBias) v = f32x4.add(v, v128.load(bias + (<usize>j << 2)));
      if (relu) v = f32x4.max(v, zero);
      v128.store(at, v);
    }
    for (; j < colEnd; j++) {
      const at = row + (<usize>j << 2);
      let v = load<f32>(at);
      if (hasBias) v += load<f32>(bias + (<usize>j << 2));
      if (relu) v = max<f32>(v, 0);
      store<f32>(at, v);
    }
  }
}
