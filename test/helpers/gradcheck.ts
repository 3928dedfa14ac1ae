import { expect } from 'vitest';
import { mul, noGrad, Rng, sum, type Tensor, tensor } from '../../src/index.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * Float64 finite-difference check: compares the autograd gradient of sum(f(inputs) * w), with
 * fixed random weights w, against central differences for every element of every input that
 * requires grad. Inputs must be float64 leaves.
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): void {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-4 } = options;
  for (const x of inputs) {
    expect(x.dtype).toBe('float64');
    x.grad = null;
  }
  const probe = f(...inputs);
  const rng = new Rng(1234);
  const weights = tensor(
    Float64Array.from({ length: probe.size }, () => rng.normal()),
    {
      shape: probe.shape,
    },
  );
  const objective = () => sum(mul(f(...inputs), weights));
  objective().backward();
  for (const [index, x] of inputs.entries()) {
    if (!x.requiresGrad) continue;
    const analytic = x.grad;
    expect(analytic, `input ${index} got no gradient`).not.toBeNull();
    noGrad(() => {
      for (let i = 0; i < x.size; i++) {
        const saved = x.storage[i];
        x.storage[i] = saved + eps;
        const up = objective().item();
        x.storage[i] = saved - eps;
        const down = objective().item();
        x.storage[i] = saved;
        const numeric = (up - down) / (2 * eps);
        const got = analytic!.storage[i];
        const tolerance = atol + rtol * Math.abs(numeric);
        expect(
          Math.abs(got - numeric),
          `input ${index} element ${i}: autograd ${got}, finite difference ${numeric}`,
        ).toBeLessThanOrEqual(tolerance);
      }
    });
  }
}

/** A float64 leaf that requires grad, with seeded normal values. */
export function randomInput(shape: number[], seed: number, scale = 1): Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float64Array.from({ length: size }, () => rng.normal() * scale),
    { shape, requiresGrad: true },
  );
}
