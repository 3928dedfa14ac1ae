import type { Rng } from '../../tensor/rng.js';
import type { Dataset } from '../dataset.js';
import { shuffledPoints } from './points.js';

/**
 * Gaussian blobs around the four corners (±1, ±1); class 1 where the signs of the two
 * coordinates differ (exclusive or), class 0 where they agree. Row i is drawn around corner
 * i mod 4, so the classes are balanced; the rows are then shuffled.
 */
export function makeXor(samples: number, noise: number, rng: Rng): Dataset {
  const xy = new Float64Array(2 * samples);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const sx = i % 2 === 0 ? 1 : -1;
    const sy = (i >> 1) % 2 === 0 ? 1 : -1;
    xy[2 * i] = sx + noise * rng.normal();
    xy[2 * i + 1] = sy + noise * rng.normal();
    labels[i] = sx === sy ? 0 : 1;
  }
  return shuffledPoints(xy, labels, ['0', '1'], rng);
}
