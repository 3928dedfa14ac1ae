import { describe, expect, it } from 'vitest';
import {
  elu,
  gelu,
  leakyRelu,
  relu,
  sigmoid,
  softplus,
  type Tensor,
  tanh,
  tensor,
} from '../../src/index.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';
import { expectValues, f64 } from './values.js';

const finite = (t: Tensor) => Array.from(t.storage).every(Number.isFinite);

describe('relu', () => {
  it('forward, keeping the dtype', () => {
    expectValues(relu(tensor([-2, 0, 3])), [0, 0, 3]);
    const ints = relu(tensor([-1, 4], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expectValues(ints, [0, 4]);
  });

  it("has relu'(0) = 0 and matches finite differences", () => {
    const x = f64([-1, 0, 2]);
    relu(x).sum().backward();
    expectValues(x.grad, [0, 0, 1]);
    gradcheck(relu, [randomInput([3, 4], 1)]);
    expect(x.relu().gradFn?.name).toBe('ReluBackward');
  });
});

describe('leakyRelu', () => {
  it('forward with the default slope 0.01 and a given one', () => {
    expectValues(leakyRelu(f64([-2, 0, 3])), [-0.02, 0, 3]);
    expectValues(f64([-2, 3]).leakyRelu({ negativeSlope: 0.2 }), [-0.4, 3]);
  });

  it('has the slope as derivative at 0 (as torch) and matches finite differences', () => {
    const x = f64([-1, 0, 2]);
    leakyRelu(x, { negativeSlope: 0.1 }).sum().backward();
    expectValues(x.grad, [0.1, 0.1, 1]);
    gradcheck((t) => leakyRelu(t, { negativeSlope: 0.3 }), [randomInput([3, 4], 2)]);
    expect(leakyRelu(x).gradFn?.name).toBe('LeakyReluBackward');
  });
});

describe('sigmoid', () => {
  it('forward', () => {
    expectValues(sigmoid(f64([0, 2, -2])), [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))]);
  });

  it('stays finite with the right limits at magnitude 1000', () => {
    const x = f64([-1000, -800, 800, 1000]);
    const y = sigmoid(x);
    expectValues(y, [0, 0, 1, 1]);
    y.sum().backward();
    expect(finite(x.grad as Tensor)).toBe(true);
    expectValues(x.grad, [0, 0, 0, 0]);
    expect(finite(sigmoid(tensor([-1000, 1000])))).toBe(true);
  });

  it('matches finite differences', () => {
    gradcheck(sigmoid, [randomInput([3, 4], 3, 3)]);
    expect(sigmoid(f64([1])).gradFn?.name).toBe('SigmoidBackward');
  });
});

describe('tanh', () => {
  it('forward, saturating at ±1000', () => {
    expectValues(tanh(f64([0, 1, -1000, 1000])), [0, Math.tanh(1), -1, 1]);
  });

  it('matches finite differences', () => {
    gradcheck(tanh, [randomInput([3, 4], 4)]);
    expect(tanh(f64([1])).gradFn?.name).toBe('TanhBackward');
  });
});

describe('gelu (exact erf form)', () => {
  it('forward against high-precision references (mpmath)', () => {
    expectValues(
      gelu(f64([0, 1, -1, 0.5, -3, 3, -10])),
      [
        0, 0.8413447460685429, -0.15865525393145705, 0.34573123063700656, -0.0040496940948902835,
        2.99595030590511, -7.619853024160526e-23,
      ],
      14,
    );
  });

  it('is not the tanh approximation', () => {
    const approx = 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715))) * 1;
    expect(Math.abs(gelu(f64([1])).item() - approx)).toBeGreaterThan(1e-5);
  });

  it('has gradient Φ(x) + x·φ(x), matching finite differences', () => {
    const x = f64([0, 1]);
    gelu(x).sum().backward();
    const phi1 = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
    expectValues(x.grad, [0.5, 0.8413447460685429 + phi1], 14);
    gradcheck(gelu, [randomInput([3, 4], 5, 2)]);
    expect(gelu(f64([1])).gradFn?.name).toBe('GeluBackward');
  });

  it('is finite at magnitude 1000', () => {
    expectValues(gelu(f64([-1000, 1000])), [0, 1000]);
  });
});

describe('softplus', () => {
  it('forward with the defaults, beta, and the threshold cut-over', () => {
    expectValues(softplus(f64([0, 1, -1])), [Math.LN2, Math.log1p(Math.E), Math.log1p(1 / Math.E)]);
    expectValues(softplus(f64([1]), { beta: 2 }), [Math.log1p(Math.exp(2)) / 2]);
    // beta·x > threshold gives x itself: 25 > 20; 19 stays on the smooth branch.
    expectValues(softplus(f64([25, 19])), [25, Math.log1p(Math.exp(19))]);
    expectValues(softplus(f64([3]), { threshold: 2 }), [3]);
  });

  it('stays finite with the right limits at magnitude 1000', () => {
    const x = f64([-1000, 1000]);
    const y = softplus(x);
    expectValues(y, [0, 1000]);
    y.sum().backward();
    expectValues(x.grad, [0, 1]);
    expect(finite(softplus(tensor([-1000, 1000])))).toBe(true);
  });

  it('matches finite differences (with and without beta)', () => {
    gradcheck((t) => softplus(t), [randomInput([3, 4], 6, 3)]);
    gradcheck((t) => softplus(t, { beta: 0.5 }), [randomInput([3, 4], 7, 3)]);
    expect(softplus(f64([1])).gradFn?.name).toBe('SoftplusBackward');
  });
});

describe('elu', () => {
  it('forward with alpha 1 and a given alpha', () => {
    expectValues(elu(f64([-1, 0, 2])), [Math.exp(-1) - 1, 0, 2]);
    expectValues(f64([-1]).elu({ alpha: 2 }), [2 * (Math.exp(-1) - 1)]);
    expectValues(elu(f64([-1000])), [-1]);
  });

  it('has alpha as derivative at 0 (as torch) and matches finite differences', () => {
    const x = f64([0, -1, 1]);
    elu(x, { alpha: 0.5 }).sum().backward();
    expectValues(x.grad, [0.5, 0.5 * Math.exp(-1), 1]);
    gradcheck((t) => elu(t), [randomInput([3, 4], 8)]);
    gradcheck((t) => elu(t, { alpha: 1.7 }), [randomInput([3, 4], 9)]);
    expect(elu(f64([1])).gradFn?.name).toBe('EluBackward');
  });
});

describe('activations on float32', () => {
  it('return float32 for float32 input', () => {
    const x = tensor([-1, 1]);
    for (const f of [relu, leakyRelu, sigmoid, tanh, gelu, softplus, elu]) {
      expect(f(x).dtype).toBe('float32');
    }
  });
});
