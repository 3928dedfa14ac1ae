import { withGradMode } from '../autograd/grad-mode.js';
import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * torch.nn.utils.clip_grad_norm_: the norm of all the gradients together (the p-norm of the
 * parameters' p-norms; normType Infinity is the largest magnitude), and, when it exceeds
 * maxNorm, every gradient scaled in place by maxNorm / (norm + 1e-6). Parameters without a
 * gradient are left out. Returns the norm before clipping.
 */
export function clipGradNorm(
  params: Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: { errorIfNonfinite?: boolean } = {},
): number {
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) {
    throw new ValueError(`clipGradNorm: maxNorm must be a number, got ${maxNorm}`);
  }
  if (!(normType > 0)) {
    throw new ValueError(`clipGradNorm: normType must be > 0 (or Infinity), got ${normType}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'errorIfNonfinite') {
      throw new ValueError(`clipGradNorm: unknown option '${key}' (known: errorIfNonfinite)`);
    }
  }
  const grads = [...params].flatMap((p) => (p.grad === null ? [] : [p.grad]));
  if (grads.length === 0) return 0;
  const norms = grads.map((g) => pNorm(g.storage, normType));
  const total = normType === Number.POSITIVE_INFINITY ? Math.max(...norms) : pNorm(norms, normType);
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped`,
    );
  }
  const coefficient = Math.min(maxNorm / (total + 1e-6), 1);
  withGradMode(false, () => {
    for (const g of grads) {
      const s = g.storage;
      for (let i = 0; i < s.length; i++) s[i] *= coefficient;
      g.version.value++;
    }
  });
  return total;
}

/** torch.nn.utils.clip_grad_value_: every gradient clamped to [−clipValue, clipValue] in place. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) {
    throw new ValueError(`clipGradValue: clipValue must be a number >= 0, got ${clipValue}`);
  }
  for (const p of params) {
    if (p.grad === null) continue;
    const s = p.grad.storage;
    for (let i = 0; i < s.length; i++) s[i] = Math.min(Math.max(s[i], -clipValue), clipValue);
    p.grad.version.value++;
  }
}

function pNorm(values: ArrayLike<number>, p: number): number {
  let out = 0;
  if (p === Number.POSITIVE_INFINITY) {
    for (let i = 0; i < values.length; i++) out = Math.max(out, Math.abs(values[i]));
    return out;
  }
  if (p === 2) {
    for (let i = 0; i < values.length; i++) out += values[i] * values[i];
    return Math.sqrt(out);
  }
  if (p === 1) {
    for (let i = 0; i < values.length; i++) out += Math.abs(values[i]);
    return out;
  }
  for (let i = 0; i < values.length; i++) out += Math.abs(values[i]) ** p;
  return out ** (1 / p);
}
