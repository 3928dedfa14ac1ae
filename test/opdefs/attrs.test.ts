import { describe, expect, it } from 'vitest';
import { attrList, checkAttr, intOrInts, perAxis } from '../../src/opdefs/attrs.js';

// int_or_ints: torch's "int or tuple" attributes (a convolution's stride and padding, a pool's
// kernel), checked the same way for spec expressions, layers: entries and Tensor API options.

const [padding, stride, kernel] = attrList({
  padding: intOrInts(0, 'zero padding', 2, { min: 0, choices: ['same', 'valid'] }),
  stride: intOrInts(null, 'the step', 2, { min: 1 }),
  kernel: intOrInts(undefined, 'the window', 1, { min: 1 }),
});

describe('int_or_ints attributes', () => {
  it('take one integer for every axis, a list of one per axis, or a listed word', () => {
    expect(checkAttr('conv2d', padding, 1)).toEqual({ value: 1 });
    expect(checkAttr('conv2d', padding, [1, 2])).toEqual({ value: [1, 2] });
    expect(checkAttr('conv2d', padding, 'same')).toEqual({ value: 'same' });
    expect(checkAttr('max_pool2d', stride, null)).toEqual({ value: null });
  });

  it('refuse a list of the wrong length, other words and non-integers, saying what fits', () => {
    expect(checkAttr('conv2d', padding, [1, 2, 3])).toEqual({
      message:
        "conv2d: padding must be an integer or a list of 2 integers, or one of 'same', 'valid', got [1,2,3]",
    });
    expect(checkAttr('conv2d', padding, 'full')).toHaveProperty('message');
    expect(checkAttr('conv2d', padding, 1.5)).toHaveProperty('message');
    expect(checkAttr('conv2d', stride, 'same')).toEqual({
      message: "conv2d: stride must be an integer or a list of 2 integers, got 'same'",
    });
    expect(checkAttr('conv1d', kernel, [3, 3])).toEqual({
      message: 'conv1d: kernel must be an integer or a list of 1 integer, got [3,3]',
    });
    expect(checkAttr('conv1d', kernel, null)).toHaveProperty('message');
  });

  it('hold every integer to the bounds', () => {
    expect(checkAttr('conv2d', stride, 0)).toEqual({
      message: 'conv2d: stride must be at least 1, got 0',
    });
    expect(checkAttr('conv2d', stride, [1, 0])).toEqual({
      message: 'conv2d: stride must be at least 1 each, got [1,0]',
    });
    expect(checkAttr('conv2d', padding, [-1, 0])).toHaveProperty('message');
  });

  it('read as one integer per axis', () => {
    expect(perAxis(3, 2)).toEqual([3, 3]);
    expect(perAxis([1, 2], 2)).toEqual([1, 2]);
  });
});
