import { describe, expect, it } from 'vitest';
import {
  arange,
  concat,
  expand,
  flatten,
  index,
  permute,
  reshape,
  ShapeError,
  slice,
  squeeze,
  type Tensor,
  tensor,
  transpose,
  unsqueeze,
  ValueError,
  zeros,
} from '../../src/index.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';
import { expectValues, f64 } from './values.js';

const m23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('reshape', () => {
  it('keeps the row-major order, with one -1 inferred', () => {
    expectValues(reshape(m23(), { shape: [3, 2] }), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expectValues(m23().reshape({ shape: [-1] }), [1, 2, 3, 4, 5, 6]);
    expect(reshape(arange(24), { shape: [2, -1, 4] }).shape).toEqual([2, 3, 4]);
    expect(reshape(tensor([7]), { shape: [] }).shape).toEqual([]);
  });

  it('copies: changing the result leaves the input alone', () => {
    const x = m23();
    const y = reshape(x, { shape: [6] });
    y.storage[0] = 100;
    expect(x.storage[0]).toBe(1);
  });

  it('refuses a shape of the wrong size, naming both shapes and sizes', () => {
    expect(() => reshape(m23(), { shape: [4, 2] })).toThrow(ShapeError);
    expect(() => reshape(m23(), { shape: [4, 2] })).toThrow(
      'reshape cannot turn [2, 3] (6 elements) into [4, 2] (8 elements)',
    );
    expect(() => reshape(m23(), { shape: [4, -1] })).toThrow(
      'reshape cannot turn [2, 3] (6 elements) into [4, -1]: 6 is not provably a multiple of 4',
    );
    expect(() => reshape(m23(), { shape: [-1, -1] })).toThrow(/at most one -1/);
    expect(() => reshape(m23(), { shape: [-2, 3] })).toThrow(ShapeError);
  });

  it('passes the gradient back in the input shape', () => {
    gradcheck((x) => reshape(x, { shape: [4, -1] }), [randomInput([2, 3, 2], 1)]);
    expect(reshape(randomInput([2, 2], 2), { shape: [4] }).gradFn?.name).toBe('ReshapeBackward');
  });
});

describe('flatten', () => {
  it('keeps the batch axis by default (nn.Flatten)', () => {
    expect(flatten(arange(24).reshape({ shape: [2, 3, 4] })).shape).toEqual([2, 12]);
    expect(flatten(m23()).shape).toEqual([2, 3]);
  });

  it('merges the axes from startAxis to endAxis', () => {
    const x = arange(24).reshape({ shape: [2, 3, 4] });
    expect(x.flatten({ startAxis: 0 }).shape).toEqual([24]);
    expect(x.flatten({ startAxis: 0, endAxis: 1 }).shape).toEqual([6, 4]);
    expect(x.flatten({ startAxis: -2 }).shape).toEqual([2, 12]);
    expectValues(flatten(m23(), { startAxis: 0 }), [1, 2, 3, 4, 5, 6]);
  });

  it('turns a scalar into shape [1] and refuses a 1-D input with the default startAxis', () => {
    expectValues(flatten(tensor(5)), [5]);
    expect(() => flatten(tensor([1, 2]))).toThrow(ValueError);
    expect(() => flatten(tensor([1, 2]))).toThrow(/1-D tensor \[2\].*startAxis: 0/);
    expectValues(flatten(tensor([1, 2]), { startAxis: 0 }), [1, 2]);
  });

  it('refuses startAxis after endAxis and axes out of range', () => {
    const x = arange(24).reshape({ shape: [2, 3, 4] });
    expect(() => flatten(x, { startAxis: 2, endAxis: 1 })).toThrow(
      /start_axis 2 comes after end_axis 1/,
    );
    expect(() => flatten(x, { startAxis: 3 })).toThrow(
      /flatten: start_axis=3 is out of range for a 3-D tensor/,
    );
  });

  it('passes the gradient back', () => {
    gradcheck((x) => flatten(x), [randomInput([2, 3, 2], 3)]);
    expect(flatten(randomInput([2, 2], 4)).gradFn?.name).toBe('FlattenBackward');
  });
});

describe('transpose and .T', () => {
  it('swaps the last two axes by default into new contiguous storage', () => {
    expectValues(transpose(m23()), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expectValues(m23().T, [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('swaps any two axes of a batch', () => {
    const x = arange(24).reshape({ shape: [2, 3, 4] });
    const y = x.transpose({ axis0: 0, axis1: 2 });
    expect(y.shape).toEqual([4, 3, 2]);
    // y[k, j, i] = x[i, j, k] = 12i + 4j + k
    expect((y.toArray() as number[][][])[3][1][1]).toBe(12 + 4 + 3);
    const z = x.transpose();
    expect(z.shape).toEqual([2, 4, 3]);
    expect((z.toArray() as number[][][])[1][2][0]).toBe(12 + 2);
  });

  it('is its own inverse', () => {
    const x = arange(24).reshape({ shape: [2, 3, 4] });
    expectValues(
      x.transpose({ axis0: 1, axis1: 0 }).transpose({ axis0: 0, axis1: 1 }),
      x.toArray(),
    );
  });

  it('refuses fewer than 2 axes, bad axes, and .T on non-2-D', () => {
    expect(() => transpose(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => transpose(tensor([1, 2]))).toThrow('transpose needs at least 2 axes, got [2]');
    expect(() => transpose(m23(), { axis0: 2 })).toThrow(/transpose: axis0=2 is out of range/);
    expect(() => arange(8).reshape({ shape: [2, 2, 2] }).T).toThrow(
      /\.T is for 2-D tensors, got \[2, 2, 2\]/,
    );
  });

  it('passes the gradient back', () => {
    gradcheck((x) => transpose(x), [randomInput([2, 3], 5)]);
    gradcheck((x) => x.T, [randomInput([3, 2], 6)]);
    gradcheck((x) => transpose(x, { axis0: 0, axis1: 2 }), [randomInput([2, 3, 4], 7)]);
    expect(transpose(randomInput([2, 2], 8)).gradFn?.name).toBe('TransposeBackward');
  });
});

describe('concat', () => {
  it('joins along axis 0 by default and along any axis', () => {
    expectValues(concat([tensor([1, 2]), tensor([3])]), [1, 2, 3]);
    expectValues(concat([m23(), tensor([[7], [8]])], { axis: 1 }), [
      [1, 2, 3, 7],
      [4, 5, 6, 8],
    ]);
    expectValues(concat([m23(), tensor([[0, 0, 0]])], { axis: -2 }), [
      [1, 2, 3],
      [4, 5, 6],
      [0, 0, 0],
    ]);
  });

  it('promotes dtypes as add does', () => {
    const c = concat([tensor([1], { dtype: 'int32' }), tensor([0.5])]);
    expect(c.dtype).toBe('float32');
    expectValues(c, [1, 0.5]);
  });

  it('refuses mismatched shapes, naming both', () => {
    expect(() => concat([m23(), tensor([[1, 2]])])).toThrow(ShapeError);
    expect(() => concat([m23(), tensor([[1, 2]])])).toThrow(
      'concat along axis 0: tensor 1 of shape [1, 2] does not fit tensor 0 of shape [2, 3]',
    );
    expect(() => concat([m23(), tensor([1, 2, 3])])).toThrow(/tensor 1 of shape \[3\]/);
    expect(() => concat([])).toThrow(ValueError);
    expect(() => concat([tensor(1), tensor(2)])).toThrow(
      /concat needs tensors of at least 1 axis, got \[\]/,
    );
    expect(() => concat([m23()], { axis: 2 })).toThrow(/concat: axis=2 is out of range/);
  });

  it('splits the gradient back to each input', () => {
    gradcheck(
      (a, b) => concat([a, b], { axis: 1 }),
      [randomInput([2, 3], 9), randomInput([2, 1], 10)],
    );
    gradcheck(
      (a, b, c) => concat([a, b, c]),
      [randomInput([1, 2], 11), randomInput([3, 2], 12), randomInput([2, 2], 13)],
    );
  });

  it('gives no gradient to inputs that do not require grad', () => {
    const a = f64([1, 2]);
    const b = f64([3], false);
    const y = concat([a, b]);
    expect(y.gradFn?.name).toBe('ConcatBackward');
    y.mul(f64([1, 2, 3], false))
      .sum()
      .backward();
    expectValues(a.grad, [1, 2]);
    expect(b.grad).toBeNull();
  });
});

describe('slice', () => {
  const v = () => arange(6);

  it('follows Python slicing: defaults, negative bounds, steps, clamping', () => {
    expectValues(slice(v(), { start: 1, end: 4 }), [1, 2, 3]);
    expectValues(slice(v(), { start: -2 }), [4, 5]);
    expectValues(slice(v(), { end: -4 }), [0, 1]);
    expectValues(slice(v(), { step: 2 }), [0, 2, 4]);
    expectValues(slice(v(), { start: 1, step: 3 }), [1, 4]);
    expectValues(slice(v(), { start: -100, end: 100 }), [0, 1, 2, 3, 4, 5]);
    expectValues(slice(v(), { start: 4, end: 2 }), []);
    expectValues(slice(v(), { start: 2, end: null }), [2, 3, 4, 5]);
  });

  it('slices any axis, keeping it', () => {
    expectValues(m23().slice({ axis: 1, start: 1 }), [
      [2, 3],
      [5, 6],
    ]);
    expectValues(m23().slice({ axis: -2, start: 1 }), [[4, 5, 6]]);
  });

  it('refuses a step below 1, non-integer bounds, scalars and bad axes', () => {
    expect(() => slice(v(), { step: 0 })).toThrow(ValueError);
    expect(() => slice(v(), { step: -1 })).toThrow(/slice: step must be at least 1, got -1/);
    expect(() => slice(v(), { start: 0.5 })).toThrow(/slice: start must be an integer, got 0.5/);
    expect(() => slice(tensor(1))).toThrow(ShapeError);
    expect(() => slice(m23(), { axis: 2 })).toThrow(/slice: axis=2 is out of range/);
  });

  it('scatters the gradient back, zero elsewhere', () => {
    gradcheck((x) => slice(x, { axis: 1, start: 1, end: 4, step: 2 }), [randomInput([2, 5], 14)]);
    const x = f64([1, 2, 3, 4]);
    const y = slice(x, { start: 1, end: 3 });
    expect(y.gradFn?.name).toBe('SliceBackward');
    y.sum().backward();
    expectValues(x.grad, [0, 1, 1, 0]);
  });
});

describe('index', () => {
  it('selects one position and drops the axis', () => {
    expectValues(index(m23(), { index: 1 }), [4, 5, 6]);
    expectValues(m23().index({ axis: 1, index: -1 }), [3, 6]);
    expectValues(index(tensor([7, 8]), { index: 0 }), 7);
  });

  it('refuses positions out of range, naming axis, size and shape', () => {
    expect(() => index(m23(), { axis: 1, index: 3 })).toThrow(ValueError);
    expect(() => index(m23(), { axis: 1, index: 3 })).toThrow(
      'index: index 3 is out of range for axis 1 of size 3 (shape [2, 3])',
    );
    expect(() => index(m23(), { index: -3 })).toThrow(/index -3/);
    expect(() => index(tensor(1), { index: 0 })).toThrow(ShapeError);
  });

  it('scatters the gradient back', () => {
    gradcheck((x) => index(x, { axis: 1, index: 2 }), [randomInput([2, 3, 2], 15)]);
    const x: Tensor = f64([
      [1, 2],
      [3, 4],
    ]);
    const y = index(x, { axis: 0, index: 1 });
    expect(y.gradFn?.name).toBe('IndexBackward');
    y.sum().backward();
    expectValues(x.grad, [
      [0, 0],
      [1, 1],
    ]);
  });
});

describe('permute', () => {
  const x = () => reshape(arange(24), { shape: [2, 3, 4] });
  it("takes torch's positional form x.permute(0, 2, 1), a list, or { axes }", () => {
    const a = x().permute(0, 2, 1);
    expect(a.shape).toEqual([2, 4, 3]);
    expect(a.toArray()).toEqual(x().permute([0, 2, 1]).toArray());
    expect(a.toArray()).toEqual(permute(x(), { axes: [0, 2, 1] }).toArray());
    expect(a.toArray()).toEqual(x().transpose(1, 2).toArray());
    expect(x().permute(2, 0, 1).storage[1]).toBe(4);
  });
  it('refuses axes that are not a permutation, naming them', () => {
    expect(() => x().permute(0, 1)).toThrow(
      'permute: axes [0, 1] name 2 axes, but need one per axis (3) for a 3-D tensor [2, 3, 4]',
    );
    expect(() => x().permute(0, 1, 1)).toThrow(ValueError);
    expect(() => x().permute(0, 1, 1)).toThrow('name axis 1 twice: not a permutation');
    expect(() => x().permute(0, 1, 3)).toThrow('hold 3, which is out of range');
  });
});

describe('unsqueeze and squeeze', () => {
  it('as torch: x.unsqueeze(1), x.squeeze(), x.squeeze(axis)', () => {
    const x = tensor([1, 2, 3]);
    expect(x.unsqueeze(0).shape).toEqual([1, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([3, 1]);
    expect(unsqueeze(x, { axis: 1 }).shape).toEqual([3, 1]);
    const y = zeros([2, 1, 3, 1]);
    expect(y.squeeze().shape).toEqual([2, 3]);
    expect(y.squeeze(1).shape).toEqual([2, 3, 1]);
    expect(y.squeeze(0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(zeros([1, 1])).shape).toEqual([]);
  });
  it('refuses an axis out of range', () => {
    expect(() => tensor([1, 2]).unsqueeze(2)).toThrow(
      'unsqueeze: axis=2 is out of range for a 1-D tensor [2] (the new axis goes at -2..1)',
    );
    expect(() => zeros([2, 1]).squeeze(2)).toThrow(ValueError);
  });
});

describe('expand', () => {
  it("broadcasts like torch's x.expand(3, -1), with new leading axes", () => {
    const x = tensor([[1], [2]]);
    expectValues(x.expand(2, 3), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(x.expand(-1, 3).toArray()).toEqual(x.expand(2, 3).toArray());
    expect(expand(tensor([1, 2]), { shape: [3, 2] }).toArray()).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });
  it('sums the gradient back over the stretched axes', () => {
    const x = tensor([[1], [2]], { requiresGrad: true });
    x.expand(4, 2, 3).sum().backward();
    expect(x.grad?.toArray()).toEqual([[12], [12]]);
  });
  it('refuses an axis of length other than 1 that would change', () => {
    expect(() => tensor([1, 2]).expand(3)).toThrow(ShapeError);
    expect(() => tensor([1, 2]).expand(3)).toThrow(
      'expand cannot turn [2] into [3]: axis 0 has length 2, and only an axis of length 1 expands',
    );
    expect(() => tensor([[1, 2]]).expand(2)).toThrow('fewer than the input');
    expect(() => tensor([1, 2]).expand(-1, 2)).toThrow('must have a size >= 0, got -1');
  });
});
