// SGD parameter updates over float32 arrays, with the arithmetic of the JavaScript reference
// (src/kernels/sgd.ts): each lane is promoted to f64, computed there and rounded back, exactly as
// `param[i] -= lr * grad[i]` on a Float32Array does in JavaScript, so both give the same bits.
// (f32 arithmetic would run about twice as fast here but round differently.)

/** p[i] = f32(p[i] − lr·g[i]). */
export function sgdPlain(p: usize, g: usize, n: i32, lr: f64): void {
  const vlr = f64x2.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    descend(p + at, vlr, v128.load(g + at));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(p + at, <f32>(<f64>load<f32>(p + at) - lr * <f64>load<f32>(g + at)));
  }
}

/** b[i] = f32(momentum·b[i] + keep·g[i]); p[i] = f32(p[i] − lr·b[i]). */
export function sgdMomentum(p: usize, g: usize, b: usize, n: i32, lr: f64, momentum: f64, keep: f64): void {
  const vlr = f64x2.splat(lr);
  const vm = f64x2.splat(momentum);
  const vk = f64x2.splat(keep);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const bv = v128.load(b + at);
    const gv = v128.load(g + at);
    const nb = join(
      f64x2.add(f64x2.mul(vm, low(bv)), f64x2.mul(vk, low(gv))),
      f64x2.add(f64x2.mul(vm, high(bv)), f64x2.mul(vk, high(gv))),
    );
    v128.store(b + at, nb);
    descend(p + at, vlr, nb);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const nb = <f32>(momentum * <f64>load<f32>(b + at) + keep * <f64>load<f32>(g + at));
    store<f32>(b + at, nb);
    store<f32>(p + at, <f32>(<f64>load<f32>(p + at) - lr * <f64>nb));
  }
}

/** The four float32 values at `at` less lr·step, each computed in f64 and rounded once. */
@inline
function descend(at: usize, vlr: v128, step: v128): void {
  const pv = v128.load(at);
  const lo = f64x2.sub(low(pv), f64x2.mul(vlr, low(step)));
  const hi = f64x2.sub(high(pv), f64x2.mul(vlr, high(step)));
  v128.store(at, join(lo, hi));
}

/** Lanes 0 and 1 of a f32x4 as f64x2. */
@inline
function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2 and 3 of a f32x4 as f64x2. */
@inline
function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded to f32 and packed into one f32x4, lo's lanes first. */
@inline
function join(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * Elements [from, to) of the update, in the signature of the pool's block kernels (the first
 * nine arguments, a scratch area, rows, columns): the parameter is one row of n columns.
 */
export function sgdBlock(
  p: usize,
  g: usize,
  b: usize,
  n: i32,
  lr: f64,
  momentum: f64,
  keep: f64,
  hasBuffer: bool,
  unused: i32,
  work: usize,
  rowStart: i32,
  rowEnd: i32,
  from: i32,
  to: i32,
): void {
  const at = <usize>from << 2;
  if (hasBuffer) sgdMomentum(p + at, g + at, b + at, to - from, lr, momentum, keep);
  else sgdPlain(p + at, g + at, to - from, lr);
}
