import type { Storage } from '../tensor/dtype.js';

export interface SGDHyperparameters {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * One SGD step on one parameter's numbers, in the order of torch.optim.SGD:
 * g = ±grad (+ weightDecay·p); buf = g on the first step, else momentum·buf + (1 − dampening)·g;
 * g = nesterov ? g + momentum·buf : buf; p −= lr·g. `buffer` is null when momentum is 0, and
 * `firstStep` says the buffer holds nothing yet. One pass, no temporaries.
 */
export function sgdUpdate(
  param: Storage,
  grad: Storage,
  buffer: Storage | null,
  firstStep: boolean,
  h: SGDHyperparameters,
): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = h;
  if (!maximize && weightDecay === 0 && !nesterov && !firstStep) {
    plainUpdate(param, grad, buffer, lr, momentum, 1 - dampening);
    return;
  }
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) g += weightDecay * param[i];
    if (buffer !== null) {
      const b = firstStep ? g : momentum * buffer[i] + (1 - dampening) * g;
      buffer[i] = b;
      g = nesterov ? g + momentum * buffer[i] : buffer[i];
    }
    param[i] -= lr * g;
  }
}

/**
 * The common case (no weight decay, nesterov or maximize; momentum buffer, if any, already
 * started) in a loop without per-element branches: the same arithmetic, several times faster
 * on large parameters.
 */
function plainUpdate(
  param: Storage,
  grad: Storage,
  buffer: Storage | null,
  lr: number,
  momentum: number,
  keep: number,
): void {
  if (buffer === null) {
    for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
    return;
  }
  for (let i = 0; i < param.length; i++) {
    buffer[i] = momentum * buffer[i] + keep * grad[i];
    param[i] -= lr * buffer[i];
  }
}
