import { expect } from 'vitest';
import {
  add,
  type DType,
  mean,
  mul,
  Parameter,
  pow,
  sub,
  sum,
  type Tensor,
  tensor,
} from '../../src/index.js';
import type { Optimizer } from '../../src/optim/index.js';
import { Rng } from '../../src/tensor/rng.js';
import type { FitData } from '../../src/train/fit.js';

/** Two float64 parameters of different shapes, for optimizer tests. */
export function params(): Parameter[] {
  return [
    new Parameter(tensor([1, -2, 3], { dtype: 'float64' })),
    new Parameter(tensor([[0.5, 0.25]], { dtype: 'float64' })),
  ];
}

/** A non-quadratic objective touching both parameters. */
export function lossOf([a, b]: Tensor[]): Tensor {
  return add(sum(pow(a, 4)), sum(mul(pow(b, 2), 3)));
}

/** `steps` steps of zeroGrad, lossOf, backward, step. */
export function train(optimizer: Optimizer, ps: Tensor[], steps: number): void {
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    lossOf(ps).backward();
    optimizer.step();
  }
}

export const values = (ps: Tensor[]) => ps.map((p) => Array.from(p.storage));

/** A tensor as the torch fixtures write one. */
export interface Values {
  shape: number[];
  values: number[];
}

export function load(v: Values, dtype: DType): Tensor {
  return tensor(Float64Array.from(v.values), { shape: v.shape, dtype });
}

/**
 * The objective of the torch optimizer fixtures (scripts/torch_fixtures.py,
 * scripts/torch_optim_fixtures.py): mse of a linear model (X is [N, 1, IN]) plus 0.05·Σ W⁴.
 */
export function objective(W: Tensor, b: Tensor, X: Tensor, Y: Tensor): Tensor {
  const pred = add(sum(mul(X, W), { axis: 2 }), b);
  return add(mean(pow(sub(pred, Y), 2)), mul(sum(pow(W, 4)), 0.05));
}

/** How close a trajectory must stay to torch's (float64 in torch). */
export const TOLERANCE: Record<'float32' | 'float64', { rtol: number; atol: number }> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

export function expectClose(
  got: ArrayLike<number>,
  want: number[],
  dtype: 'float32' | 'float64',
  label: string,
): void {
  const { rtol, atol } = TOLERANCE[dtype];
  expect(got.length, label).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i];
    expect(Math.abs(g - w), `${label}[${i}]: got ${g}, torch ${w}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(w),
    );
  });
}

/** n rows of y = 2·a − b for a, b uniform in [-1, 1). */
export function regressionData(n: number, seed = 1): FitData {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform() * 2 - 1;
    const b = rng.uniform() * 2 - 1;
    x.push([a, b]);
    y.push([2 * a - b]);
  }
  return { x: tensor(x), y: tensor(y) };
}
