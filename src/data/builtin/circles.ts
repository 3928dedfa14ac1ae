import type { Rng } from '../../tensor/rng.js';
import type { Dataset } from '../dataset.js';
import { shuffledPoints } from './points.js';

/**
 * scikit-learn's make_circles geometry: floor(n/2) points evenly spaced on the unit circle
 * (class 0, angles 2πk/m without the endpoint) and the rest on a circle of radius `factor`
 * (class 1), each with gaussian noise of std `noise` on both coordinates; then shuffled.
 */
export function makeCircles(samples: number, noise: number, factor: number, rng: Rng): Dataset {
  const nOut = Math.floor(samples / 2);
  const nIn = samples - nOut;
  const xy = new Float64Array(2 * samples);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const outer = i < nOut;
    const t = outer ? (2 * Math.PI * i) / nOut : (2 * Math.PI * (i - nOut)) / nIn;
    const r = outer ? 1 : factor;
    xy[2 * i] = r * Math.cos(t) + noise * rng.normal();
    xy[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
    labels[i] = outer ? 0 : 1;
  }
  return shuffledPoints(xy, labels, ['0', '1'], rng);
}
