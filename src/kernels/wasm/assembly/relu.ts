// Gradient of ReLU through its output: dst[i] = g[i] · (out[i] > 0 ? 1 : 0). The multiply (not a
// select) keeps the JavaScript reference's bits: a NaN or infinite g times 0 stays NaN.

export function reluBackward(g: usize, out: usize, dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const mask = v128.bitselect(one, zero, f32x4.gt(v128.load(out + at), zero));
    v128.store(dst + at, f32x4.mul(v128.load(g + at), mask));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(g + at) * (load<f32>(out + at) > 0 ? <f32>1 : <f32>0));
  }
}
