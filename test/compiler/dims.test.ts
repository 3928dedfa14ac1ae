import { describe, expect, it } from 'vitest';
import {
  broadcastShapes,
  divideDim,
  formatShape,
  normalizeAxis,
  productOf,
  sumOf,
} from '../../src/opdefs/dims.js';

describe('symbolic dims', () => {
  it('multiplies into a canonical product (coefficient first, symbols sorted)', () => {
    expect(productOf([2, 3])).toBe(6);
    expect(productOf([])).toBe(1);
    expect(productOf(['batch', 4])).toBe('4*batch');
    expect(productOf([4, 'batch'])).toBe('4*batch');
    expect(productOf(['n', 'batch'])).toBe('batch*n');
    expect(productOf(['2*n', 3, 'batch'])).toBe('6*batch*n');
    expect(productOf(['batch', 0])).toBe(0);
    expect(productOf(['batch[1:]', 2])).toBe('2*(batch[1:])');
  });

  it('divides only when it provably divides', () => {
    expect(divideDim('64*batch', 64)).toBe('batch');
    expect(divideDim('64*batch', 16)).toBe('4*batch');
    expect(divideDim('batch*n', 'n')).toBe('batch');
    expect(divideDim(12, 4)).toBe(3);
    expect(divideDim('6*batch', 4)).toBeUndefined();
    expect(divideDim('batch', 'n')).toBeUndefined();
    expect(divideDim(12, 0)).toBeUndefined();
  });

  it('adds numbers and writes symbolic sums', () => {
    expect(sumOf([2, 3])).toBe(5);
    expect(sumOf([2, 'n'])).toBe('2+n');
    expect(sumOf(['a+b', 'c'])).toBe('(a+b)+c');
  });

  it('broadcasts symbols only against themselves and 1', () => {
    expect(broadcastShapes(['batch', 1], [1, 'n'])).toEqual({ shape: ['batch', 'n'] });
    expect(broadcastShapes(['batch', 4], [4])).toEqual({ shape: ['batch', 4] });
    expect(broadcastShapes([], [2, 3])).toEqual({ shape: [2, 3] });
    expect(broadcastShapes(['batch'], ['n'])).toEqual({
      mismatch: { axis: -1, left: 'batch', right: 'n', symbolic: true },
    });
    expect(broadcastShapes([2, 3], [4, 3])).toEqual({
      mismatch: { axis: -2, left: 2, right: 4, symbolic: false },
    });
  });

  it('normalises axes and formats shapes', () => {
    expect(normalizeAxis(-1, 3)).toBe(2);
    expect(normalizeAxis(3, 3)).toBeUndefined();
    expect(normalizeAxis(-4, 3)).toBeUndefined();
    expect(formatShape(['batch', 4])).toBe('[batch, 4]');
    expect(formatShape([])).toBe('[]');
  });
});
