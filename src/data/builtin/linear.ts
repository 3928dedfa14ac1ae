import type { Rng } from '../../tensor/rng.js';
import type { Dataset } from '../dataset.js';

/** Number of features of the `linear` regression set. */
export const LINEAR_FEATURES = 3;

/**
 * Regression: y = x·w + b + noise·ε with x, ε standard normal. The true w (3 numbers) and b are
 * drawn first from the same seeded generator, then each row's x1..x3 and ε in row order.
 */
export function makeLinear(samples: number, noise: number, rng: Rng): Dataset {
  const d = LINEAR_FEATURES;
  const w = Array.from({ length: d }, () => rng.normal());
  const b = rng.normal();
  const features = new Float32Array(samples * d);
  const target = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let y = b;
    for (let j = 0; j < d; j++) {
      const x = Math.fround(rng.normal());
      features[i * d + j] = x;
      y += x * w[j];
    }
    target[i] = y + noise * rng.normal();
  }
  return {
    features,
    featureNames: ['x1', 'x2', 'x3'],
    target,
    targetName: 'y',
    classes: null,
    task: 'regression',
  };
}
