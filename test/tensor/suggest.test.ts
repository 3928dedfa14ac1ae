import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../../src/tensor/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    expect(editDistance('shape', 'shape')).toBe(0);
    expect(editDistance('shap', 'shape')).toBe(1);
    expect(editDistance('shapes', 'shape')).toBe(1);
    expect(editDistance('shope', 'shape')).toBe(1);
    expect(editDistance('sahpe', 'shape')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('suggest', () => {
  it('finds the closest candidate within a third of the length', () => {
    expect(suggest('kaiming_unifrom', ['kaiming_normal', 'kaiming_uniform'])).toBe(
      'kaiming_uniform',
    );
    expect(suggest('iriss', ['xor', 'iris', 'digits'])).toBe('iris');
    expect(suggest('outptus', ['inputs', 'outputs'])).toBe('outputs');
  });

  it('ignores case', () => {
    expect(suggest('Relu', ['relu', 'gelu'])).toBe('relu');
  });

  it('offers a name the input is a prefix of', () => {
    expect(suggest('int', ['float32', 'int32'])).toBe('int32');
  });

  it('returns undefined when nothing is close', () => {
    expect(suggest('adam', ['sgd'])).toBeUndefined();
    expect(suggest('x', ['y'])).toBe('y');
    expect(suggest('conv2d', ['linear', 'dropout'])).toBeUndefined();
  });

  it('prefers the earlier candidate on a tie', () => {
    expect(suggest('mae', ['mse', 'max'])).toBe('mse');
  });
});

describe('didYouMean', () => {
  it('is a ready-to-append phrase or nothing', () => {
    expect(didYouMean('shap', ['shape', 'dtype'])).toBe("; did you mean 'shape'?");
    expect(didYouMean('zzz', ['shape'])).toBe('');
  });
});
