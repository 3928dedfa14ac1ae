/** A seeded linear congruential generator of uint32 values (test data only needs to be fixed). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/** `length` values in [-1, 1) from `seed`. */
export function signedUniform(length: number, seed: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length }, () => next() / 2 ** 31 - 1);
}

const SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, -3e-39, 3.4e38];

/**
 * Values that make kernels round, cancel and overflow: magnitudes 2^-30..2^30 of both signs,
 * and in every run of 97 the first eight are NaN, ±Infinity, ±0, subnormals and near-max
 * (starting at a different one per seed, so two arrays pair different specials).
 */
export function awkwardFloats(length: number, seed: number): Float32Array {
  const next = lcg(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const s = next();
    out[i] =
      i % 97 < SPECIALS.length
        ? SPECIALS[(i + seed) % SPECIALS.length]
        : (s / 2 ** 31 - 1) * 2 ** ((s % 61) - 30);
  }
  return out;
}
