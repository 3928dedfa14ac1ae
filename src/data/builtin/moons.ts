import type { Rng } from '../../tensor/rng.js';
import type { Dataset } from '../dataset.js';
import { linspace, shuffledPoints } from './points.js';

/**
 * scikit-learn's make_moons geometry: floor(n/2) points on the upper half circle (class 0) and
 * the rest on a lower half circle shifted by (1, -0.5) (class 1), each with gaussian noise of
 * std `noise` on both coordinates; the rows are then shuffled.
 */
export function makeMoons(samples: number, noise: number, rng: Rng): Dataset {
  const nOut = Math.floor(samples / 2);
  const nIn = samples - nOut;
  const xy = new Float64Array(2 * samples);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const outer = i < nOut;
    const t = outer ? linspace(0, Math.PI, nOut, i) : linspace(0, Math.PI, nIn, i - nOut);
    const x = outer ? Math.cos(t) : 1 - Math.cos(t);
    const y = outer ? Math.sin(t) : 1 - Math.sin(t) - 0.5;
    xy[2 * i] = x + noise * rng.normal();
    xy[2 * i + 1] = y + noise * rng.normal();
    labels[i] = outer ? 0 : 1;
  }
  return shuffledPoints(xy, labels, ['0', '1'], rng);
}
