import type { Rng } from '../../tensor/rng.js';
import type { Dataset } from '../dataset.js';

/**
 * A 2-D classification Dataset from points generated in class order, shuffled with one
 * permutation drawn from `rng` so that classes are interleaved in the row order.
 */
export function shuffledPoints(
  xy: Float64Array,
  labels: Int32Array,
  classes: string[],
  rng: Rng,
): Dataset {
  const n = labels.length;
  const order = rng.permutation(n);
  const features = new Float32Array(2 * n);
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[i];
    features[2 * i] = xy[2 * src];
    features[2 * i + 1] = xy[2 * src + 1];
    target[i] = labels[src];
  }
  return {
    features,
    featureNames: ['x1', 'x2'],
    target,
    targetName: 'label',
    classes,
    task: 'classification',
  };
}

/** n evenly spaced numbers from start to stop inclusive (numpy.linspace). */
export function linspace(start: number, stop: number, n: number, i: number): number {
  return n === 1 ? start : start + ((stop - start) * i) / (n - 1);
}
