import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { secondsPerCall, type TimingOptions } from './timing.js';

export type TfjsBackend = 'cpu' | 'wasm';

/**
 * Seconds per tf.matMul(a, b, transA, transB) of two n×n fp32 matrices on a tfjs backend,
 * including dataSync() (the result read back, as a training step would) and dispose().
 */
export async function tfjsMatmulSeconds(
  backend: TfjsBackend,
  n: number,
  transA: boolean,
  transB: boolean,
  timing: TimingOptions = {},
): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  const a = tf.randomUniform([n, n], 0, 1, 'float32', n);
  const b = tf.randomUniform([n, n], 0, 1, 'float32', n + 1);
  try {
    return secondsPerCall((reps) => {
      for (let r = 0; r < reps; r++) {
        const c = tf.matMul(a, b, transA, transB);
        c.dataSync();
        c.dispose();
      }
    }, timing);
  } finally {
    a.dispose();
    b.dispose();
  }
}
