import type { Rng } from '../tensor/rng.js';

/**
 * Windows of a token stream: the window at offset i is x = tokens[i : i+T] and
 * y = tokens[i+1 : i+T+1], so a stream of n tokens has n − T windows (offsets 0 .. n−T−1).
 */

/** `count` offsets drawn uniformly from the n − T windows (with replacement, as nanoGPT's get_batch). */
export function randomWindowOffsets(
  n: number,
  blockSize: number,
  count: number,
  rng: Rng,
): Int32Array {
  const windows = n - blockSize;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.int(windows);
  return out;
}

/** The offsets of the windows that tile the stream without overlap: 0, T, 2T, ... */
export function tilingWindowOffsets(n: number, blockSize: number): Int32Array {
  const count = Math.floor((n - 1) / blockSize);
  return Int32Array.from({ length: count }, (_, k) => k * blockSize);
}

/** Copies the windows at `offsets` into x and y (each at least offsets.length·T long). */
export function fillWindows(
  tokens: Int32Array,
  blockSize: number,
  offsets: ArrayLike<number>,
  x: Int32Array,
  y: Int32Array,
): void {
  for (let b = 0; b < offsets.length; b++) {
    const i = offsets[b];
    x.set(tokens.subarray(i, i + blockSize), b * blockSize);
    y.set(tokens.subarray(i + 1, i + blockSize + 1), b * blockSize);
  }
}
