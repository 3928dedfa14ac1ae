import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  add_,
  copy_,
  div_,
  fill_,
  mul_,
  noGrad,
  ShapeError,
  sub_,
  tensor,
  zero_,
} from '../../src/index.js';
import { expectValues, f64 } from './values.js';

describe('in-place ops', () => {
  it('change the target and return it', () => {
    const x = tensor([1, 2, 3]);
    expect(add_(x, tensor([1, 1, 1]))).toBe(x);
    expectValues(x, [2, 3, 4]);
    sub_(x, 1);
    expectValues(x, [1, 2, 3]);
    mul_(x, tensor([2, 3, 4]));
    expectValues(x, [2, 6, 12]);
    div_(x, 2);
    expectValues(x, [1, 3, 6]);
    x.add_(tensor([1, 1, 1]), { alpha: -2 });
    expectValues(x, [-1, 1, 4]);
    copy_(x, tensor([7, 8, 9]));
    expectValues(x, [7, 8, 9]);
    fill_(x, 0.5);
    expectValues(x, [0.5, 0.5, 0.5]);
    x.zero_();
    expectValues(x, [0, 0, 0]);
  });

  it('broadcast the other operand into the target shape', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    x.add_(tensor([10, 20]));
    expectValues(x, [
      [11, 22],
      [13, 24],
    ]);
    copy_(x, 0);
    expectValues(x, [
      [0, 0],
      [0, 0],
    ]);
  });

  it('refuse an operand that would grow the target, naming both shapes', () => {
    const x = tensor([1, 2]);
    expect(() =>
      add_(
        x,
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(ShapeError);
    expect(() =>
      mul_(
        x,
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(/mul_: the result of shape \[2, 2\] does not fit the target's shape \[2\]/);
    expect(() => add_(x, tensor([1, 2, 3]))).toThrow(/add_: shapes \[2\] and \[3\]/);
  });

  it('bump the version counter (shared with detach())', () => {
    const x = tensor([1, 2]);
    const d = x.detach();
    const before = x.version.value;
    mul_(d, 2);
    zero_(x);
    expect(x.version.value).toBe(before + 2);
    expect(d.version).toBe(x.version);
  });

  it('are refused on a leaf that requires grad, and allowed inside noGrad', () => {
    const w = f64([1, 2]);
    expect(() => w.sub_(1)).toThrow(AutogradError);
    expect(() => w.sub_(1)).toThrow(
      /sub_: a leaf tensor that requires grad cannot be changed in place/,
    );
    noGrad(() => w.sub_(tensor([0.5, 0.5], { dtype: 'float64' })));
    expectValues(w, [0.5, 1.5]);
    expect(w.requiresGrad).toBe(true);
  });

  it('are refused on a result that is part of a graph, naming its gradFn', () => {
    const y = f64([1, 2]).mul(2);
    expect(() => y.add_(1)).toThrow(
      /add_: a tensor produced by MulBackward cannot be changed in place/,
    );
  });
});
