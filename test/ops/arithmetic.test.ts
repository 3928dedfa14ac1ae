import { describe, expect, it } from 'vitest';
import {
  abs,
  add,
  clamp,
  DTypeError,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  ShapeError,
  sqrt,
  sub,
  type Tensor,
  tensor,
  ValueError,
} from '../../src/index.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';
import { expectValues, f64 } from './values.js';

describe('binary arithmetic forward', () => {
  it('computes add, sub, mul, div elementwise', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    expectValues(add(a, b), [5, 7, 9]);
    expectValues(sub(a, b), [-3, -3, -3]);
    expectValues(mul(a, b), [4, 10, 18]);
    expectValues(div(a, b), [0.25, 0.4, 0.5]);
  });

  it('broadcasts [3,1] with [1,4]', () => {
    const a = tensor([[1], [2], [3]]);
    const b = tensor([[10, 20, 30, 40]]);
    expectValues(add(a, b), [
      [11, 21, 31, 41],
      [12, 22, 32, 42],
      [13, 23, 33, 43],
    ]);
  });

  it('takes numbers on either side', () => {
    const a = tensor([1, 2]);
    expectValues(sub(10, a), [9, 8]);
    expectValues(a.sub(10), [-9, -8]);
    expectValues(div(1, a), [1, 0.5]);
    expectValues(pow(a, 2), [1, 4]);
    expectValues(pow(2, a), [2, 4]);
  });

  it('keeps float64 when a number meets a float64 tensor', () => {
    expect(mul(f64([1, 2]), 3).dtype).toBe('float64');
    expect(add(tensor([1, 2]), 3).dtype).toBe('float32');
  });

  it('gives div a float result for int32 operands', () => {
    const q = div(tensor([1, 3], { dtype: 'int32' }), tensor([2, 2], { dtype: 'int32' }));
    expect(q.dtype).toBe('float32');
    expectValues(q, [0.5, 1.5]);
  });

  it('names the op and both shapes when shapes do not broadcast', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => mul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(
      /mul shapes do not broadcast: \[1, 3\] and \[1, 2\]/,
    );
    expect(() => maximum(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/maximum.*\[3\].*\[2\]/);
  });
});

describe('binary arithmetic gradients (float64 finite differences)', () => {
  const cases: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['div', div],
    ['maximum', maximum],
    ['minimum', minimum],
  ];
  for (const [name, op] of cases) {
    it(`${name}: same shapes, [3,1] with [1,4], [2,3,4] with [4], a scalar operand`, () => {
      gradcheck(op, [randomInput([2, 3], 1), randomInput([2, 3], 2)]);
      gradcheck(op, [randomInput([3, 1], 3), randomInput([1, 4], 4)]);
      gradcheck(op, [randomInput([2, 3, 4], 5), randomInput([4], 6)]);
      gradcheck(op, [randomInput([], 7), randomInput([2, 3], 8)]);
    });
  }

  it('mul and div with numbers as operands', () => {
    gradcheck((x) => mul(x, 3), [randomInput([2, 2], 9)]);
    gradcheck((x) => div(2, x), [randomInput([2, 2], 10)]);
    gradcheck((x) => sub(1, x), [randomInput([3], 11)]);
  });

  it('pow in both operands (positive base), with broadcasting', () => {
    const base = f64([
      [0.5, 1.5, 2],
      [3, 0.7, 1.1],
    ]);
    gradcheck(pow, [base, randomInput([3], 12)]);
    gradcheck((x) => pow(x, 3), [randomInput([4], 13)]);
  });

  it('pow: d/db at a == 0 with b >= 0 is 0, as torch', () => {
    const a = f64([0, 0]);
    const b = f64([2, 0]);
    pow(a, b).sum().backward();
    expectValues(b.grad, [0, 0]);
    expectValues(a.grad, [0, 0]);
  });

  it('only the inputs that require grad get a gradient', () => {
    const a = randomInput([2], 14);
    const b = f64([1, 2], false);
    mul(a, b).sum().backward();
    expectValues(a.grad, [1, 2]);
    expect(b.grad).toBeNull();
  });
});

describe('maximum and minimum ties', () => {
  it('share the gradient evenly where the operands are equal', () => {
    const a = f64([1, 5, 3]);
    const b = f64([1, 2, 4]);
    maximum(a, b).sum().backward();
    expectValues(a.grad, [0.5, 1, 0]);
    expectValues(b.grad, [0.5, 0, 1]);
    a.grad = null;
    b.grad = null;
    minimum(a, b).sum().backward();
    expectValues(a.grad, [0.5, 0, 1]);
    expectValues(b.grad, [0.5, 1, 0]);
  });

  it('sum shared halves back over a broadcast operand', () => {
    const a = f64([2, 2, 2]);
    const b = f64(2);
    maximum(a, b).sum().backward();
    expectValues(a.grad, [0.5, 0.5, 0.5]);
    expectValues(b.grad, 1.5);
  });

  it('forward values', () => {
    expectValues(maximum(tensor([1, 5]), tensor([3, 2])), [3, 5]);
    expectValues(minimum(tensor([1, 5]), 2), [1, 2]);
  });
});

describe('unary arithmetic', () => {
  it('forward values', () => {
    expectValues(neg(tensor([1, -2])), [-1, 2]);
    expectValues(exp(f64([0, 1])), [1, Math.E]);
    expectValues(log(f64([1, Math.E])), [0, 1]);
    expectValues(sqrt(tensor([4, 9])), [2, 3]);
    expectValues(abs(tensor([-3, 0, 2])), [3, 0, 2]);
    expectValues(log(tensor([0])), [Number.NEGATIVE_INFINITY]);
  });

  it('gradients by finite differences', () => {
    gradcheck(neg, [randomInput([2, 3], 20)]);
    gradcheck(exp, [randomInput([2, 3], 21)]);
    gradcheck(abs, [randomInput([2, 3], 22)]);
    const positive = f64([0.3, 1.2, 4, 9.5]);
    gradcheck(log, [positive]);
    gradcheck(sqrt, [positive]);
  });

  it("abs'(0) = 0 (torch's subgradient)", () => {
    const x = f64([-2, 0, 3]);
    abs(x).sum().backward();
    expectValues(x.grad, [-1, 0, 1]);
  });

  it('names the gradFn after the op', () => {
    const x = randomInput([2], 23);
    expect(exp(x).gradFn?.name).toBe('ExpBackward');
    expect(neg(x).gradFn?.name).toBe('NegBackward');
    expect(mul(x, x).gradFn?.name).toBe('MulBackward');
  });
});

describe('clamp', () => {
  it('forward with min, max, or both', () => {
    const x = tensor([-2, 0.5, 3]);
    expectValues(clamp(x, { min: 0 }), [0, 0.5, 3]);
    expectValues(clamp(x, { max: 1 }), [-2, 0.5, 1]);
    expectValues(x.clamp({ min: -1, max: 1 }), [-1, 0.5, 1]);
  });

  it('passes the gradient inside the range and at the bounds (inclusive, as torch)', () => {
    const x = f64([-2, -1, 0.5, 1, 3]);
    clamp(x, { min: -1, max: 1 }).sum().backward();
    expectValues(x.grad, [0, 1, 1, 1, 0]);
  });

  it('matches finite differences away from the bounds', () => {
    gradcheck((x) => clamp(x, { min: -0.5, max: 0.5 }), [f64([-1.3, -0.2, 0.1, 0.4, 2])]);
  });

  it('refuses a clamp without bounds', () => {
    expect(() => clamp(tensor([1]), {})).toThrow(ValueError);
    expect(() => clamp(tensor([1]), {})).toThrow(/clamp/);
  });
});

describe('dtype rules', () => {
  it('refuses requiresGrad on int32', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(/int32/);
  });

  it('promotes int32 with float32 to float32', () => {
    expect(add(tensor([1], { dtype: 'int32' }), tensor([0.5])).dtype).toBe('float32');
  });

  it('reports an unknown dtype with a DTypeError', () => {
    expect(() => tensor([1], { dtype: 'float16' as never })).toThrow(DTypeError);
  });
});
