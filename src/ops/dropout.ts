import { record } from '../autograd/node.js';
import { asTensor, defaultRng, type TensorLike } from '../tensor/create.js';
import { floatResult } from '../tensor/dtype.js';
import { ValueError } from '../tensor/errors.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul } from './arithmetic.js';
import { defineMethods } from './methods.js';
import { empty } from './util.js';

export interface DropoutOptions {
  /** The probability of zeroing each element. */
  p?: number;
  /** Off (eval mode): the input is returned unchanged. */
  training?: boolean;
  /** Where the mask is drawn from; the global generator (manualSeed) by default. */
  rng?: Rng;
}

/**
 * Inverted dropout, as torch: each element is zeroed with probability p and the kept ones are
 * scaled by 1/(1-p), so the expected value is unchanged. Element i is kept when the i-th uniform
 * draw is >= p. Identity (the same tensor) when training is false or p = 0; zeros when p = 1.
 */
export function dropout(a: TensorLike, options: DropoutOptions = {}): Tensor {
  const x = asTensor(a);
  const { p = 0.5, training = true } = options;
  if (!(p >= 0 && p <= 1)) {
    throw new ValueError(`dropout: p must be a probability in [0, 1], got ${p}`);
  }
  if (!training || p === 0) return x;
  const rng = options.rng ?? defaultRng();
  const mask = empty(x.shape, floatResult(x.dtype));
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < mask.size; i++) mask.storage[i] = rng.uniform() >= p ? scale : 0;
  const out = empty(x.shape, mask.dtype);
  for (let i = 0; i < out.size; i++) out.storage[i] = x.storage[i] * mask.storage[i];
  return record('DropoutBackward', [x], out, (g) => [mul(g, mask)]);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    dropout(options?: DropoutOptions): Tensor;
  }
}

defineMethods({ dropout });
