import { kernelBackend } from '../kernels/backend.js';
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
    kernelBackend().sgdUpdate(param, grad, buffer, lr, momentum, 1 - dampening);
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
