import { describe, expect, it } from 'vitest';
import { dropout, manualSeed, ones, Rng, tensor, ValueError } from '../../src/index.js';
import { expectValues, f64 } from './values.js';

describe('dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    const x = ones([10000]);
    const y = dropout(x, { p: 0.3, rng: new Rng(1) });
    const values = Array.from(y.storage);
    const kept = values.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / values.length - 0.7)).toBeLessThan(0.02);
  });

  it('keeps element i exactly when the i-th uniform draw is >= p', () => {
    const draws = new Rng(5);
    const expected = Array.from({ length: 8 }, () => (draws.uniform() >= 0.5 ? 2 : 0));
    expectValues(dropout(ones([8]), { rng: new Rng(5) }), expected);
  });

  it('is reproducible from a seed, and draws from the global generator by default', () => {
    const a = dropout(ones([50]), { rng: new Rng(3) });
    const b = dropout(ones([50]), { rng: new Rng(3) });
    expect(Array.from(a.storage)).toEqual(Array.from(b.storage));
    manualSeed(11);
    const c = dropout(ones([50]));
    manualSeed(11);
    const d = dropout(ones([50]));
    expect(Array.from(c.storage)).toEqual(Array.from(d.storage));
  });

  it('is the identity when not training or when p = 0', () => {
    const x = tensor([1, 2, 3]);
    expect(dropout(x, { training: false })).toBe(x);
    expect(dropout(x, { p: 0 })).toBe(x);
    expect(x.dropout({ p: 0.9, training: false })).toBe(x);
  });

  it('gives zeros (and zero gradient) for p = 1', () => {
    const x = f64([1, 2, 3]);
    const y = dropout(x, { p: 1 });
    expectValues(y, [0, 0, 0]);
    y.sum().backward();
    expectValues(x.grad, [0, 0, 0]);
  });

  it('passes the gradient through the same mask and scale', () => {
    const x = f64([1, 2, 3, 4, 5, 6]);
    const y = dropout(x, { p: 0.5, rng: new Rng(2) });
    expect(y.gradFn?.name).toBe('DropoutBackward');
    y.sum().backward();
    const mask = Array.from(y.storage).map((v, i) => v / x.storage[i]);
    expectValues(x.grad, mask);
    expect(mask.every((v) => v === 0 || v === 2)).toBe(true);
  });

  it('refuses p outside [0, 1]', () => {
    expect(() => dropout(ones([2]), { p: 1.5 })).toThrow(ValueError);
    expect(() => dropout(ones([2]), { p: -0.1 })).toThrow(
      'dropout: p must be between 0 and 1, got -0.1',
    );
    expect(() => dropout(ones([2]), { p: Number.NaN })).toThrow(ValueError);
  });
});
