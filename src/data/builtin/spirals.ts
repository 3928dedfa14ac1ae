import type { Rng } from '../../tensor/rng.js';
import type { Dataset } from '../dataset.js';
import { linspace, shuffledPoints } from './points.js';

/**
 * Interleaved spiral arms (the CS231n "spiral" set), one per class. Arm c holds
 * floor(n/C) points (the first n mod C arms one more); its k-th point has radius r = k/(m-1)
 * in [0, 1] and angle 2πc/C + 4r plus gaussian noise of std `noise` radians, at
 * (r·sin θ, r·cos θ). The rows are then shuffled.
 */
export function makeSpirals(samples: number, noise: number, classCount: number, rng: Rng): Dataset {
  const xy = new Float64Array(2 * samples);
  const labels = new Int32Array(samples);
  let i = 0;
  for (let c = 0; c < classCount; c++) {
    const m = Math.floor(samples / classCount) + (c < samples % classCount ? 1 : 0);
    for (let k = 0; k < m; k++, i++) {
      const r = linspace(0, 1, m, k);
      const theta = (2 * Math.PI * c) / classCount + 4 * r + noise * rng.normal();
      xy[2 * i] = r * Math.sin(theta);
      xy[2 * i + 1] = r * Math.cos(theta);
      labels[i] = c;
    }
  }
  const classes = Array.from({ length: classCount }, (_, c) => String(c));
  return shuffledPoints(xy, labels, classes, rng);
}
