// TensorFlow.js peer for bench/workloads.ts: the four workloads on the tfjs cpu and wasm
// backends, trained the way a tfjs user would: tf.variable weights, tf.train.momentum,
// optimizer.minimize with a loss function, and dataSync() on the loss to finish each step.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { measureStepRate, type StepRateOptions } from '../step-rate.js';
import {
  fixedBatch,
  fixedUniform,
  LEARNING_RATE,
  MOMENTUM,
  WORKLOADS,
  type Workload,
  type WorkloadRow,
} from '../workloads.js';
import { registerTfjsGradients } from './tfjs-gradients.js';

export type TfjsBackend = 'cpu' | 'wasm';

interface TfjsCase {
  step: () => void;
  dispose: () => void;
}

/** Weights uniform in ±1/sqrt(fan_in), as torch.nn.Linear initialises them. */
function linearVariables(fanIn: number, fanOut: number, seed: number): [tf.Variable, tf.Variable] {
  const bound = 1 / Math.sqrt(fanIn);
  const w = fixedUniform(fanIn * fanOut, seed).map((v) => (2 * v - 1) * bound);
  const b = fixedUniform(fanOut, seed + 1).map((v) => (2 * v - 1) * bound);
  const weight = tf.tensor2d(w, [fanIn, fanOut]);
  const bias = tf.tensor1d(b);
  const variables: [tf.Variable, tf.Variable] = [tf.variable(weight), tf.variable(bias)];
  weight.dispose();
  bias.dispose();
  return variables;
}

/** A fresh closure per case (see modelspecStep), on whichever backend is active. */
function tfjsCase(w: Workload): TfjsCase {
  const layers = w.widths.slice(1).map((out, i) => linearVariables(w.widths[i], out, 10 + 2 * i));
  const { x: xData, y: yData } = fixedBatch(w);
  const x = tf.tensor2d(xData, [w.batch, w.widths[0]]);
  const classes = w.widths[w.widths.length - 1];
  const y =
    w.loss === 'bce'
      ? tf.tensor2d(yData as Float32Array, [w.batch, 1])
      : tf.tidy(() => tf.oneHot(tf.tensor1d(yData as Int32Array, 'int32'), classes));
  const activation = w.activation === 'tanh' ? tf.tanh : tf.relu;
  const optimizer = tf.train.momentum(LEARNING_RATE, MOMENTUM);
  const lossFn = (): tf.Scalar => {
    let h: tf.Tensor = x;
    layers.forEach(([weight, bias], i) => {
      h = tf.add(tf.matMul(h, weight), bias);
      if (i < layers.length - 1) h = activation(h);
    });
    return w.loss === 'bce'
      ? tf.losses.logLoss(y, tf.sigmoid(h))
      : tf.losses.softmaxCrossEntropy(y, h);
  };
  return {
    step: () => {
      const loss = optimizer.minimize(lossFn, true) as tf.Scalar;
      loss.dataSync();
      loss.dispose();
    },
    dispose: () => {
      optimizer.dispose();
      for (const [weight, bias] of layers) {
        weight.dispose();
        bias.dispose();
      }
      x.dispose();
      y.dispose();
    },
  };
}

/** tfjs steps/s of every workload on one backend. */
export async function benchTfjsWorkloads(
  backend: TfjsBackend,
  workloads: readonly Workload[] = WORKLOADS,
  options: StepRateOptions = {},
  onRow: (row: WorkloadRow) => void = () => {},
): Promise<WorkloadRow[]> {
  await registerTfjsGradients();
  await tf.setBackend(backend);
  await tf.ready();
  const rows: WorkloadRow[] = [];
  for (const w of workloads) {
    const c = tfjsCase(w);
    try {
      const rate = measureStepRate(c.step, options);
      const row = {
        impl: `tfjs ${backend}`,
        workload: w.name,
        stepsPerSecond: rate.stepsPerSecond,
        cpuStepsPerSecond: rate.cpuStepsPerSecond,
        samples: rate.samples,
      };
      rows.push(row);
      onRow(row);
    } finally {
      c.dispose();
    }
  }
  return rows;
}
