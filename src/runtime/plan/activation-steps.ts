import * as act from '../../kernels/activation.js';
import { reluGradKernel } from '../../kernels/relu-grad.js';
import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps, Step } from './types.js';

const f32 = Math.fround;

/**
 * An elementwise op of one operand: `f` its value, `d(g, x, out)` the input's gradient element.
 * Each derivative is rounded to float32 before it multiplies g, as the interpreter's
 * `mul(g, mapped(...))` does, so the numbers agree bit for bit.
 */
interface UnaryRule {
  f: (x: number) => number;
  d: (g: number, x: number, out: number) => number;
}

function unaryRule(env: NodeEnv): UnaryRule | null {
  const attr = (name: string, fallback: number) =>
    (env.node.attrs[name] as number | null) ?? fallback;
  switch (env.node.op) {
    case 'leaky_relu': {
      const slope = attr('negative_slope', 0.01);
      const dSlope = f32(slope);
      return { f: (v) => (v > 0 ? v : v * slope), d: (g, x) => g * (x > 0 ? 1 : dSlope) };
    }
    case 'gelu':
      return { f: act.gelu, d: (g, x) => g * f32(act.geluGrad(x)) };
    case 'softplus':
      return {
        f: (v) => act.softplus(v, 1, 20),
        d: (g, x) => g * f32(act.softplusGrad(x, 1, 20)),
      };
    case 'elu': {
      const alpha = attr('alpha', 1);
      return { f: (v) => act.elu(v, alpha), d: (g, x) => g * f32(act.eluGrad(x, alpha)) };
    }
    case 'exp':
      return { f: Math.exp, d: (g, _x, o) => g * o };
    case 'log':
      return { f: Math.log, d: (g, x) => g / x };
    case 'sqrt':
      return { f: Math.sqrt, d: (g, _x, o) => g / f32(o * 2) };
    case 'abs':
      return { f: Math.abs, d: (g, x) => g * Math.sign(x) };
    case 'neg':
      return { f: (v) => -v, d: (g) => -g };
    default:
      return null;
  }
}

export const UNARY_OPS = [
  'relu',
  'tanh',
  'sigmoid',
  'leaky_relu',
  'gelu',
  'softplus',
  'elu',
  'exp',
  'log',
  'sqrt',
  'abs',
  'neg',
];

/**
 * relu, tanh and sigmoid (the ones every MLP has) get loops of their own; the rest go through
 * one loop that calls the op's function per element.
 */
export function unarySteps(env: NodeEnv): NodeSteps {
  const x = env.inputs[0] as Float32Array;
  const out = env.out as Float32Array;
  const forward =
    env.node.op === 'relu' || env.node.op === 'tanh' || env.node.op === 'sigmoid'
      ? []
      : [genericForward(env, x, out)];
  if (forward.length === 0) forward.push(fastForward(env.node.op, x, out));
  const g = env.outGrad;
  const gx = env.inGrads[0];
  if (g === null || gx === null) return { forward, backward: [] };
  const t = gradTarget(gx, env.accumulate[0], env.scratch);
  const dst = t.dst;
  const backward = activationBackward(env, g, x, out, dst);
  return {
    forward,
    backward: [
      () => {
        backward();
        t.finish();
      },
    ],
  };
}

function fastForward(op: string, x: Float32Array, out: Float32Array): Step {
  if (op === 'relu') {
    return () => {
      for (let i = 0; i < x.length; i++) out[i] = Math.max(x[i], 0);
    };
  }
  if (op === 'tanh') {
    return () => {
      for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
    };
  }
  return () => {
    for (let i = 0; i < x.length; i++) out[i] = act.sigmoid(x[i]);
  };
}

function genericForward(env: NodeEnv, x: Float32Array, out: Float32Array): Step {
  const { f } = unaryRule(env) as UnaryRule;
  return () => {
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  };
}

/** The gradient step of a unary op: reads g, the input x and the output, writes dst. */
export function activationBackward(
  env: NodeEnv,
  g: Float32Array,
  x: Float32Array,
  out: Float32Array,
  dst: Float32Array,
): Step {
  switch (env.node.op) {
    case 'relu':
      return () => reluGradKernel(g, out, dst);
    case 'tanh':
      return () => {
        for (let i = 0; i < dst.length; i++) {
          const t = out[i];
          dst[i] = g[i] * f32(1 - t * t);
        }
      };
    case 'sigmoid':
      return () => {
        for (let i = 0; i < dst.length; i++) {
          const s = out[i];
          dst[i] = g[i] * f32(s * (1 - s));
        }
      };
    default: {
      const { d } = unaryRule(env) as UnaryRule;
      return () => {
        for (let i = 0; i < dst.length; i++) dst[i] = d(g[i], x[i], out[i]);
      };
    }
  }
}
