import { describe, expect, it } from 'vitest';
import { DTypeError, Parameter, Rng, type Tensor, ValueError, zeros } from '../../src/index.js';
import {
  calculateFanInAndFanOut,
  calculateGain,
  constant_,
  initTensor,
  kaimingNormal_,
  kaimingUniform_,
  linearInit_,
  normal_,
  ones_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from '../../src/nn/init.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const s = t.storage;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of s) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / s.length;
  let sq = 0;
  for (const v of s) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / s.length), min, max };
}

/** A uniform sample in [−b, b] of this size: near both ends, mean 0, std b/√3. */
function expectUniformBound(t: Tensor, bound: number): void {
  const { mean, std, min, max } = stats(t);
  expect(min).toBeGreaterThanOrEqual(-bound);
  expect(max).toBeLessThanOrEqual(bound);
  expect(max).toBeGreaterThan(bound * 0.999);
  expect(min).toBeLessThan(-bound * 0.999);
  expect(Math.abs(mean)).toBeLessThan(bound * 0.01);
  expect(std / (bound / Math.sqrt(3))).toBeCloseTo(1, 2);
}

function expectNormal(t: Tensor, mean: number, std: number): void {
  const s = stats(t);
  expect(Math.abs(s.mean - mean)).toBeLessThan(std * 0.01);
  expect(s.std / std).toBeCloseTo(1, 2);
}

describe('calculateGain', () => {
  it('gives torch.nn.init.calculate_gain values', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv2d')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(calculateGain('leaky_relu', 0)).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('selu')).toBe(0.75);
    expect(() => calculateGain('swish')).toThrow(ValueError);
    expect(() => calculateGain('swish')).toThrow(/unsupported nonlinearity 'swish'/);
  });
});

describe('calculateFanInAndFanOut', () => {
  it('reads dim 1 as fan_in and dim 0 as fan_out, times the receptive field', () => {
    expect(calculateFanInAndFanOut([16, 4])).toEqual({ fanIn: 4, fanOut: 16 });
    expect(calculateFanInAndFanOut([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
  });

  it('needs at least two dims', () => {
    expect(() => calculateFanInAndFanOut([5])).toThrow(ValueError);
    expect(() => calculateFanInAndFanOut([5])).toThrow(/fewer than 2 dimensions \(shape \[5\]\)/);
  });
});

describe('constant inits', () => {
  it('fills zeros, ones and a constant, bumping the version', () => {
    const t = zeros([2, 3]);
    const before = t.version.value;
    ones_(t);
    expect(Array.from(t.storage)).toEqual([1, 1, 1, 1, 1, 1]);
    constant_(t, { value: 2.5 });
    expect(Array.from(t.storage)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    zeros_(t);
    expect(Array.from(t.storage)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(t.version.value).toBe(before + 3);
  });
});

describe('random inits (statistics of 200,000 samples)', () => {
  const big = () => zeros([400, 500]);

  it('uniform_ covers [low, high)', () => {
    const t = uniform_(big(), { low: -1, high: 3, rng: new Rng(1) });
    const { mean, std, min, max } = stats(t);
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(3);
    expect(mean).toBeCloseTo(1, 1);
    expect(std).toBeCloseTo(4 / Math.sqrt(12), 2);
  });

  it('normal_ has the given mean and std', () => {
    expectNormal(normal_(big(), { mean: 2, std: 3, rng: new Rng(2) }), 2, 3);
  });

  it('xavierUniform_ bound is gain·√(6/(fan_in + fan_out))', () => {
    const t = xavierUniform_(big(), { gain: 2, rng: new Rng(3) });
    expectUniformBound(t, 2 * Math.sqrt(6 / 900));
  });

  it('xavierNormal_ std is gain·√(2/(fan_in + fan_out))', () => {
    expectNormal(xavierNormal_(big(), { rng: new Rng(4) }), 0, Math.sqrt(2 / 900));
  });

  it('kaimingUniform_ bound is gain·√(3/fan) with leaky_relu(a) gain, fan by mode', () => {
    expectUniformBound(
      kaimingUniform_(big(), { rng: new Rng(5) }),
      Math.SQRT2 * Math.sqrt(3 / 500),
    );
    const relu = kaimingUniform_(big(), { mode: 'fan_out', nonlinearity: 'relu', rng: new Rng(6) });
    expectUniformBound(relu, Math.SQRT2 * Math.sqrt(3 / 400));
    const leaky = kaimingUniform_(big(), { a: 0.2, rng: new Rng(7) });
    expectUniformBound(leaky, Math.sqrt(2 / 1.04) * Math.sqrt(3 / 500));
  });

  it('kaimingNormal_ std is gain/√fan', () => {
    expectNormal(kaimingNormal_(big(), { rng: new Rng(8) }), 0, Math.SQRT2 / Math.sqrt(500));
    const tanh = kaimingNormal_(big(), { mode: 'fan_out', nonlinearity: 'tanh', rng: new Rng(9) });
    expectNormal(tanh, 0, 5 / 3 / Math.sqrt(400));
  });

  it('uses explicit fans over torch rule, also for a 1-D tensor', () => {
    const bias = kaimingUniform_(zeros([200000]), { fanIn: 50, rng: new Rng(10) });
    expectUniformBound(bias, Math.SQRT2 * Math.sqrt(3 / 50));
    const w = xavierNormal_(big(), { fanIn: 100, fanOut: 100, rng: new Rng(11) });
    expectNormal(w, 0, Math.sqrt(2 / 200));
  });

  it('throws for a 1-D tensor when a fan is needed and not given', () => {
    expect(() => kaimingUniform_(zeros([5]))).toThrow(ValueError);
    expect(() => xavierUniform_(zeros([5]), { fanIn: 3 })).toThrow(
      /xavier_uniform_: fan in and fan out can not be computed/,
    );
  });
});

describe('reproducibility', () => {
  it('gives the same numbers for the same seed and different ones for another seed', () => {
    const a = kaimingNormal_(zeros([20, 10]), { rng: new Rng(42) });
    const b = kaimingNormal_(zeros([20, 10]), { rng: new Rng(42) });
    const c = kaimingNormal_(zeros([20, 10]), { rng: new Rng(43) });
    expect(Array.from(a.storage)).toEqual(Array.from(b.storage));
    expect(Array.from(a.storage)).not.toEqual(Array.from(c.storage));
  });
});

describe("nn.Linear's default init", () => {
  it('kaiming_uniform(a = √5) has bound gain·√(3/fan_in) = 1/√fan_in', () => {
    const gain = calculateGain('leaky_relu', Math.sqrt(5));
    expect(gain * Math.sqrt(3 / 300)).toBeCloseTo(1 / Math.sqrt(300), 12);
    const w = kaimingUniform_(zeros([700, 300]), { a: Math.sqrt(5), rng: new Rng(1) });
    expectUniformBound(w, 1 / Math.sqrt(300));
  });

  it('linearInit_ draws the weight, then the bias from U(−1/√in, 1/√in)', () => {
    const weight = zeros([1000, 250]);
    const bias = zeros([100000]);
    linearInit_(weight, bias, { rng: new Rng(2) });
    expectUniformBound(weight, 1 / Math.sqrt(250));
    expectUniformBound(bias, 1 / Math.sqrt(250));
    const again = zeros([1000, 250]);
    kaimingUniform_(again, { a: Math.sqrt(5), rng: new Rng(2) });
    expect(Array.from(again.storage)).toEqual(Array.from(weight.storage));
  });
});

describe('initTensor', () => {
  it('runs a resolved init from the compiler and matches the direct call', () => {
    const viaSpec = initTensor(
      zeros([784, 10]),
      {
        kind: 'kaiming_uniform',
        a: 0,
        mode: 'fan_in',
        nonlinearity: 'leaky_relu',
        fanIn: 784,
        fanOut: null,
      },
      new Rng(3),
    );
    const direct = kaimingUniform_(zeros([784, 10]), { fanIn: 784, rng: new Rng(3) });
    expect(Array.from(viaSpec.storage)).toEqual(Array.from(direct.storage));
    expect(stats(viaSpec).max).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / 784));
  });

  it('accepts snake_case argument names and every spec kind', () => {
    const rng = new Rng(4);
    const t = initTensor(zeros([3]), { kind: 'kaiming_normal', fan_in: 9 }, rng);
    expect(stats(t).std).toBeGreaterThan(0);
    expect(Array.from(initTensor(zeros([2]), { kind: 'constant', value: 7 }, rng).storage)).toEqual(
      [7, 7],
    );
    expect(Array.from(initTensor(zeros([2]), { kind: 'ones' }, rng).storage)).toEqual([1, 1]);
    expect(Array.from(initTensor(zeros([2]), { kind: 'zeros' }, rng).storage)).toEqual([0, 0]);
    const u = initTensor(zeros([100]), { kind: 'uniform', low: 5, high: 6 }, rng);
    expect(stats(u).min).toBeGreaterThanOrEqual(5);
    const n = initTensor(zeros([100]), { kind: 'normal', mean: 0, std: 0.01 }, rng);
    expect(stats(n).std).toBeLessThan(0.02);
    const x = initTensor(zeros([4, 6]), { kind: 'xavier_uniform', gain: 1 }, rng);
    expect(stats(x).max).toBeLessThanOrEqual(Math.sqrt(6 / 10));
    const xn = initTensor(zeros([4, 6]), { kind: 'xavier_normal', fanIn: 6, fanOut: 4 }, rng);
    expect(stats(xn).std).toBeGreaterThan(0);
  });

  it('fills a Parameter in place without an autograd error', () => {
    const p = new Parameter(zeros([3, 2]));
    initTensor(p, { kind: 'xavier_uniform' }, new Rng(5));
    expect(p.requiresGrad).toBe(true);
    expect(Array.from(p.storage).some((v) => v !== 0)).toBe(true);
  });

  it('names an unknown kind or argument', () => {
    expect(() => initTensor(zeros([2]), { kind: 'orthogonal' }, new Rng(0))).toThrow(
      /init: unknown kind 'orthogonal' \(known: zeros, ones, constant/,
    );
    expect(() => initTensor(zeros([2, 2]), { kind: 'normal', gain: 2 }, new Rng(0))).toThrow(
      "init normal: unknown argument 'gain' (known: mean, std, zeroRow)",
    );
  });

  it("zeroes normal's zeroRow after the draw, as nn.Embedding its padding row", () => {
    const t = initTensor(zeros([3, 2]), { kind: 'normal', zeroRow: 1 }, new Rng(4));
    const rng = new Rng(4);
    const drawn = Array.from({ length: 6 }, () => Math.fround(rng.normal()));
    expect(Array.from(t.storage)).toEqual([...drawn.slice(0, 2), 0, 0, ...drawn.slice(4)]);
    expect(() => initTensor(zeros([3, 2]), { kind: 'normal', zeroRow: 3 }, new Rng(4))).toThrow(
      'init normal: zeroRow 3 is not a row of a 2-D tensor of shape [3, 2]',
    );
  });

  it('refuses random values in an int32 tensor', () => {
    expect(() => normal_(zeros([2], { dtype: 'int32' }))).toThrow(DTypeError);
  });
});
