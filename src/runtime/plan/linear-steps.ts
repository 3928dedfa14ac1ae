import { linearForwardKernel, matmulKernel } from '../../kernels/backend.js';
import { sumAxis } from '../../kernels/reduce.js';
import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps, Step } from './types.js';

/** The activations a linear step can apply in the same pass as its bias. */
export type FusedActivation = 'none' | 'relu' | 'tanh' | 'sigmoid';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * out = act(x · wᵀ + bias) for linear(x, weight, bias), with torch's layouts (weight [out, in]).
 * Products go through the backend's matmul kernel, looked up on every call so that a faster
 * kernel installed later (the wasm SIMD one) is used; the interpreter calls the same kernel with
 * the same arguments, so the numbers agree. Each stage rounds to float32 as the unfused ops do, so results are identical.
 */
export function linearForward(env: NodeEnv, out: Float32Array, act: FusedActivation): Step {
  const [x, w] = env.inputs;
  const bias = env.inputs.length > 2 ? (env.inputs[2] as Float32Array) : null;
  const [outF, inF] = env.inShapes[1];
  const rows = sizeOf(env.inShapes[0]) / inF;
  const fused = act === 'relu' ? 'relu' : 'none';
  return () => {
    linearForwardKernel()(x, w, bias, out, rows, inF, outF, fused);
    if (act === 'tanh') tanhInPlace(out);
    else if (act === 'sigmoid') sigmoidInPlace(out);
  };
}

function tanhInPlace(a: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = Math.tanh(a[i]);
}

function sigmoidInPlace(a: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v >= 0) a[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      a[i] = e / (1 + e);
    }
  }
}

/** Gradients of linear: dx = g·w, dw = gᵀ·x, db = Σ_rows g (the kernels linalg.ts uses). */
export function linearBackward(env: NodeEnv): Step[] {
  const g = env.outGrad as Float32Array;
  const [x, w] = env.inputs;
  const [outF, inF] = env.inShapes[1];
  const rows = sizeOf(env.inShapes[0]) / inF;
  const steps: Step[] = [];
  const [gx, gw, gb] = env.inGrads;
  if (gx) {
    const t = gradTarget(gx, env.accumulate[0], env.scratch);
    steps.push(() => {
      matmulKernel()(g, w, t.dst, rows, outF, inF, false, false, false);
      t.finish();
    });
  }
  if (gw) {
    const t = gradTarget(gw, env.accumulate[1], env.scratch);
    steps.push(() => {
      matmulKernel()(g, x, t.dst, outF, rows, inF, true, false, false);
      t.finish();
    });
  }
  if (gb) {
    const t = gradTarget(gb, env.accumulate[2], env.scratch);
    const dims = [rows, outF];
    steps.push(() => {
      sumAxis(g, dims, 0, t.dst);
      t.finish();
    });
  }
  return steps;
}

export function linearSteps(env: NodeEnv): NodeSteps {
  return {
    forward: [linearForward(env, env.out as Float32Array, 'none')],
    backward: env.outGrad ? linearBackward(env) : [],
  };
}

/**
 * matmul of a [..., m, k] by b [k, n] (b 2-D, shared across a's batch dims), as the interpreter
 * runs it: one product over all rows; dA = G·Bᵀ, dB = Aᵀ·G with the batch joining the inner dim.
 */
export function matmulSteps(env: NodeEnv): NodeSteps {
  const [a, b] = env.inputs;
  const out = env.out;
  const [k, n] = env.inShapes[1];
  const rows = sizeOf(env.inShapes[0]) / k;
  const forward = [() => matmulKernel()(a, b, out, rows, k, n, false, false, false)];
  const g = env.outGrad;
  if (g === null) return { forward, backward: [] };
  const backward: Step[] = [];
  const [ga, gb] = env.inGrads;
  if (ga) {
    const t = gradTarget(ga, env.accumulate[0], env.scratch);
    backward.push(() => {
      matmulKernel()(g, b, t.dst, rows, n, k, false, true, false);
      t.finish();
    });
  }
  if (gb) {
    const t = gradTarget(gb, env.accumulate[1], env.scratch);
    backward.push(() => {
      matmulKernel()(a, g, t.dst, k, rows, n, true, false, false);
      t.finish();
    });
  }
  return { forward, backward };
}
