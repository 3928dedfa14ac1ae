import { erfc } from './erf.js';

// Scalar activation functions and their derivatives, written to stay finite for any input.

/** 1/(1+e^-x), never forming e^x for large positive x nor e^-x for large negative x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^(βx))/β, and x itself once βx > threshold (torch's cut-over). */
export function softplus(x: number, beta: number, threshold: number): number {
  const z = beta * x;
  return z > threshold ? x : Math.log1p(Math.exp(z)) / beta;
}

/** d softplus / dx = sigmoid(βx), 1 past the threshold. */
export function softplusGrad(x: number, beta: number, threshold: number): number {
  const z = beta * x;
  return z > threshold ? 1 : sigmoid(z);
}

/** Φ(x), the standard normal CDF, as erfc(-x/√2)/2: no cancellation for negative x. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

const ONE_OVER_SQRT_2PI = 0.3989422804014327;

/** φ(x), the standard normal density. */
export function normalPdf(x: number): number {
  return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** x·Φ(x) = 0.5·x·(1 + erf(x/√2)), the exact GELU. */
export function gelu(x: number): number {
  return x * normalCdf(x);
}

/** d gelu / dx = Φ(x) + x·φ(x). */
export function geluGrad(x: number): number {
  return normalCdf(x) + x * normalPdf(x);
}

/** x for x > 0, α(e^x − 1) otherwise. */
export function elu(x: number, alpha: number): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}

/** 1 for x > 0, α·e^x otherwise (so α at 0, as torch). */
export function eluGrad(x: number, alpha: number): number {
  return x > 0 ? 1 : alpha * Math.exp(x);
}
