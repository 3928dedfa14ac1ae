import { describe, expect, it } from 'vitest';
import { logSoftmax, softmax, tensor, ValueError } from '../../src/index.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';

describe('softmax', () => {
  it('matches exp(x)/Σexp(x) along the last axis by default', () => {
    const out = softmax(
      tensor([
        [1, 2, 3],
        [0, 0, 0],
      ]),
    );
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    const rows = out.toArray() as number[][];
    rows[0].forEach((v, i) => {
      expect(v).toBeCloseTo(e[i] / z, 6);
    });
    rows[1].forEach((v) => {
      expect(v).toBeCloseTo(1 / 3, 6);
    });
  });

  it('normalises along axis 0 when asked', () => {
    const out = tensor([
      [1, 5],
      [1, 3],
    ]).softmax({ axis: 0 });
    const cols = out.toArray() as number[][];
    expect(cols[0][0]).toBeCloseTo(0.5, 6);
    expect(cols[0][1] + cols[1][1]).toBeCloseTo(1, 6);
    expect(cols[0][1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });

  it('stays finite and correct at magnitude 1000', () => {
    const out = softmax(tensor([1000, 0, -1000, 1000]));
    expect(out.toArray()).toEqual([0.5, 0, 0, 0.5]);
    const neg = softmax(tensor([-1000, -1001]));
    expect((neg.toArray() as number[])[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
  });

  it('has gradFn SoftmaxBackward and correct gradients over axis -1 and 0', () => {
    expect(softmax(randomInput([2, 3], 1)).gradFn?.name).toBe('SoftmaxBackward');
    gradcheck((x) => softmax(x), [randomInput([3, 4], 2)]);
    gradcheck((x) => softmax(x, { axis: 0 }), [randomInput([3, 4], 3)]);
    gradcheck((x) => softmax(x, { axis: 1 }), [randomInput([2, 3, 4], 4)]);
  });

  it('rejects an axis out of range', () => {
    expect(() => softmax(tensor([1, 2]), { axis: 1 })).toThrow(ValueError);
    expect(() => softmax(tensor([1, 2]), { axis: 1 })).toThrow(
      /softmax: axis=1 is out of range for a 1-D tensor/,
    );
  });
});

describe('logSoftmax', () => {
  it('is x − log Σ exp(x)', () => {
    const out = logSoftmax(tensor([1, 2, 3])).toArray() as number[];
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(i + 1 - lse, 6);
    });
  });

  it('stays finite and correct at magnitude 1000', () => {
    const out = logSoftmax(tensor([1000, 0, -1000])).toArray() as number[];
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(-1000, 3);
    expect(out[2]).toBeCloseTo(-2000, 3);
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('has gradFn LogSoftmaxBackward and correct gradients over axis -1 and 0', () => {
    expect(randomInput([2, 3], 1).logSoftmax().gradFn?.name).toBe('LogSoftmaxBackward');
    gradcheck((x) => logSoftmax(x), [randomInput([3, 4], 5)]);
    gradcheck((x) => logSoftmax(x, { axis: 0 }), [randomInput([3, 4], 6)]);
    gradcheck((x) => logSoftmax(x, { axis: -2 }), [randomInput([2, 3, 4], 7)]);
  });

  it('has finite gradients at magnitude 1000', () => {
    const x = tensor([1000, 0, -1000], { requiresGrad: true });
    logSoftmax(x).sum().backward();
    const g = x.grad!.toArray() as number[];
    expect(g[0]).toBeCloseTo(-2, 6);
    expect(g[1]).toBeCloseTo(1, 6);
    expect(g[2]).toBeCloseTo(1, 6);
  });
});
