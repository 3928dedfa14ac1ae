import { record } from '../autograd/node.js';
import * as act from '../kernels/activation.js';
import { mapUnary } from '../kernels/elementwise.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul } from './arithmetic.js';
import { defineMethods } from './methods.js';
import { empty, mapped, unaryOp } from './util.js';

// Derivatives at the kinks follow torch: relu'(0) = 0, leaky_relu'(0) = negativeSlope, elu'(0) = alpha.

/** max(x, 0); keeps the input's dtype (an int32 input gives int32, as torch). */
export function relu(a: TensorLike): Tensor {
  const x = asTensor(a);
  const out = empty(x.shape, x.dtype);
  mapUnary(x.storage, out.storage, (v) => Math.max(v, 0));
  return record(
    'ReluBackward',
    [x],
    out,
    (g) => [
      mul(
        g,
        mapped(out, (v) => (v > 0 ? 1 : 0)),
      ),
    ],
    [out],
  );
}

export interface LeakyReluOptions {
  negativeSlope?: number;
}

/** x for x > 0, negativeSlope·x otherwise. */
export function leakyRelu(a: TensorLike, options: LeakyReluOptions = {}): Tensor {
  const { negativeSlope = 0.01 } = options;
  return unaryOp(
    'LeakyReluBackward',
    a,
    (v) => (v > 0 ? v : v * negativeSlope),
    (g, x) =>
      mul(
        g,
        mapped(x, (v) => (v > 0 ? 1 : negativeSlope)),
      ),
  );
}

/** 1/(1+e^-x), finite and exact in the limits for any |x|; the gradient is σ(1−σ). */
export function sigmoid(a: TensorLike): Tensor {
  return unaryOp(
    'SigmoidBackward',
    a,
    act.sigmoid,
    (g, _x, out) =>
      mul(
        g,
        mapped(out, (s) => s * (1 - s)),
      ),
    'o',
  );
}

export function tanh(a: TensorLike): Tensor {
  return unaryOp(
    'TanhBackward',
    a,
    Math.tanh,
    (g, _x, out) =>
      mul(
        g,
        mapped(out, (t) => 1 - t * t),
      ),
    'o',
  );
}

/** The exact GELU x·Φ(x) (not the tanh approximation); gradient Φ(x) + x·φ(x). */
export function gelu(a: TensorLike): Tensor {
  return unaryOp('GeluBackward', a, act.gelu, (g, x) => mul(g, mapped(x, act.geluGrad)));
}

export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}

/** log(1 + e^(βx))/β, and x where βx > threshold (torch's defaults β = 1, threshold = 20). */
export function softplus(a: TensorLike, options: SoftplusOptions = {}): Tensor {
  const { beta = 1, threshold = 20 } = options;
  return unaryOp(
    'SoftplusBackward',
    a,
    (v) => act.softplus(v, beta, threshold),
    (g, x) =>
      mul(
        g,
        mapped(x, (v) => act.softplusGrad(v, beta, threshold)),
      ),
  );
}

export interface EluOptions {
  alpha?: number;
}

/** x for x > 0, α(e^x − 1) otherwise. */
export function elu(a: TensorLike, options: EluOptions = {}): Tensor {
  const { alpha = 1 } = options;
  return unaryOp(
    'EluBackward',
    a,
    (v) => act.elu(v, alpha),
    (g, x) =>
      mul(
        g,
        mapped(x, (v) => act.eluGrad(v, alpha)),
      ),
  );
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    relu(): Tensor;
    leakyRelu(options?: LeakyReluOptions): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    gelu(): Tensor;
    softplus(options?: SoftplusOptions): Tensor;
    elu(options?: EluOptions): Tensor;
  }
}

defineMethods({ relu, leakyRelu, sigmoid, tanh, gelu, softplus, elu });
