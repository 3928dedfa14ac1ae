// dst[i] += src[i] in f32: the same bits as JavaScript's `dst[i] += src[i]` on Float32Arrays
// (a sum of two float32 values rounded through float64 and back rounds as f32 addition does).

export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}
