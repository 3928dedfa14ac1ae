import { describe, expect, it } from 'vitest';
import {
  argmax,
  argmin,
  max,
  mean,
  min,
  std,
  sum,
  tensor,
  ValueError,
  var as variance,
} from '../../src/index.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';
import { expectValues, f64 } from './values.js';

const m = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('sum and mean', () => {
  it('reduce everything to a scalar of shape []', () => {
    expectValues(sum(m()), 21);
    expectValues(m().mean(), 3.5);
  });

  it('reduce one axis, negative axes counting from the end', () => {
    expectValues(sum(m(), { axis: 0 }), [5, 7, 9]);
    expectValues(m().sum({ axis: -1 }), [6, 15]);
    expectValues(mean(m(), { axis: 1 }), [2, 5]);
  });

  it('keep the reduced axis with keepdim', () => {
    expectValues(sum(m(), { axis: 1, keepdim: true }), [[6], [15]]);
    expectValues(mean(m(), { keepdim: true }), [[3.5]]);
  });

  it('treat axis 0 of a scalar as the whole scalar (as torch)', () => {
    expectValues(sum(tensor(3), { axis: 0 }), 3);
    expectValues(mean(tensor(3), { axis: -1 }), 3);
  });

  it('give mean of int32 a float result', () => {
    const x = tensor([1, 2], { dtype: 'int32' });
    expect(mean(x).dtype).toBe('float32');
    expect(sum(x).dtype).toBe('int32');
  });

  it('match finite differences', () => {
    gradcheck((x) => sum(x), [randomInput([2, 3, 4], 1)]);
    gradcheck((x) => sum(x, { axis: 1 }), [randomInput([2, 3, 4], 2)]);
    gradcheck((x) => sum(x, { axis: -1, keepdim: true }), [randomInput([2, 3, 4], 3)]);
    gradcheck((x) => mean(x), [randomInput([2, 3], 4)]);
    gradcheck((x) => mean(x, { axis: 0 }), [randomInput([2, 3], 5)]);
    gradcheck((x) => mean(x, { axis: 2, keepdim: true }), [randomInput([2, 3, 4], 6)]);
  });

  it('spread the gradient: ones for sum, 1/n for mean', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    mean(x, { axis: 1 }).sum().backward();
    expectValues(x.grad, [
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
  });

  it('refuse an axis out of range, naming the op', () => {
    expect(() => sum(m(), { axis: 2 })).toThrow(ValueError);
    expect(() => mean(m(), { axis: -3 })).toThrow(/mean: axis=-3 is out of range for a 2-D tensor/);
    expect(() => sum(m(), { axis: 0.5 })).toThrow(/sum/);
  });
});

describe('max and min', () => {
  it('reduce everything to a scalar', () => {
    expectValues(max(m()), 6);
    expectValues(m().min(), 1);
  });

  it('return the values along an axis', () => {
    expectValues(max(m(), { axis: 0 }), [4, 5, 6]);
    expectValues(max(m(), { axis: 1, keepdim: true }), [[3], [6]]);
    expectValues(min(m(), { axis: -1 }), [1, 4]);
  });

  it('keep the dtype (int32 in, int32 out)', () => {
    const x = tensor([3, 1, 2], { dtype: 'int32' });
    expect(max(x).dtype).toBe('int32');
    expectValues(max(x), 3);
  });

  it('match finite differences (no ties)', () => {
    gradcheck((x) => max(x), [randomInput([3, 4], 10)]);
    gradcheck((x) => min(x), [randomInput([3, 4], 11)]);
    gradcheck((x) => max(x, { axis: 1 }), [randomInput([3, 4], 12)]);
    gradcheck((x) => min(x, { axis: 0, keepdim: true }), [randomInput([3, 4], 13)]);
    gradcheck((x) => max(x, { axis: 1 }), [randomInput([2, 3, 4], 14)]);
  });

  it('with an axis, send the gradient to the FIRST maximal element', () => {
    const x = f64([
      [1, 7, 7],
      [5, 5, 2],
    ]);
    max(x, { axis: 1 }).sum().backward();
    expectValues(x.grad, [
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const y = f64([
      [2, 2],
      [2, 0],
    ]);
    min(y, { axis: 0 })
      .mul(tensor([10, 20], { dtype: 'float64' }))
      .sum()
      .backward();
    expectValues(y.grad, [
      [10, 0],
      [0, 20],
    ]);
  });

  it('without an axis, share the gradient evenly between tied extremes', () => {
    const x = f64([
      [1, 7, 7],
      [7, 5, 2],
    ]);
    max(x).mul(3).backward();
    expectValues(x.grad, [
      [0, 1, 1],
      [1, 0, 0],
    ]);
    const y = f64([0, 0, 4, 0]);
    min(y).backward();
    expectValues(y.grad, [1 / 3, 1 / 3, 0, 1 / 3]);
  });

  it('name their gradFns MaxBackward and MinBackward', () => {
    const x = randomInput([3], 15);
    expect(max(x).gradFn?.name).toBe('MaxBackward');
    expect(min(x, { axis: 0 }).gradFn?.name).toBe('MinBackward');
  });

  it('propagate NaN (as torch)', () => {
    expectValues(max(tensor([1, Number.NaN, 3])), Number.NaN);
    expectValues(min(tensor([[1, Number.NaN]]), { axis: 1 }), [Number.NaN]);
  });

  it('refuse an empty axis and a bad axis', () => {
    expect(() => max(tensor([]))).toThrow(ValueError);
    expect(() => max(tensor([]))).toThrow(/max: cannot reduce an empty tensor of shape \[0\]/);
    expect(() => min(m(), { axis: 5 })).toThrow(/min: axis=5 is out of range/);
  });
});

describe('var and std', () => {
  it("divide by n - 1 by default and by n when not unbiased, in torch's positional order", () => {
    expect(variance(m()).item()).toBeCloseTo(3.5, 6);
    expectValues(m().var(1), [1, 1]);
    expectValues(m().var(1, false), [2 / 3, 2 / 3]);
    expect(m().var(0, true, true).shape).toEqual([1, 3]);
    expectValues(m().var({ axis: 0, unbiased: false }), [2.25, 2.25, 2.25]);
    expect(std(m()).item()).toBeCloseTo(Math.sqrt(3.5), 6);
    expect(m().std(1, false, true).storage[0]).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });
  it('give NaN for one element, unbiased (0 / 0, as torch)', () => {
    expect(Number.isNaN(tensor([3]).var().item())).toBe(true);
    expect(tensor([3]).var(0, false).item()).toBe(0);
  });
});

describe('argmax and argmin', () => {
  it('give int32 indices of the first extreme, flat without an axis, and no gradient', () => {
    const x = tensor(
      [
        [1, 9, 9],
        [4, -2, -2],
      ],
      { requiresGrad: true },
    );
    const flat = argmax(x);
    expect(flat.dtype).toBe('int32');
    expect(flat.item()).toBe(1);
    expect(flat.gradFn).toBeNull();
    expect(flat.requiresGrad).toBe(false);
    expect(x.argmax(1).toArray()).toEqual([1, 0]);
    expect(x.argmin(1, true).toArray()).toEqual([[0], [1]]);
    expect(argmin(x, { axis: 0 }).toArray()).toEqual([0, 1, 1]);
    expect(x.argmax({ keepdim: true }).shape).toEqual([1, 1]);
  });
  it('count NaN as the extreme, and refuse an empty axis', () => {
    expect(tensor([1, Number.NaN, 5]).argmax().item()).toBe(1);
    expect(() => tensor([]).argmax()).toThrow(ValueError);
  });
});
