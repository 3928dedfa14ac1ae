import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { lerp } from './lerp.js';
import {
  Optimizer,
  type OptimizerDefinition,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  stateStorage,
  zerosLike,
} from './optimizer.js';
import { epsRule, lrRule, MAXIMIZE_RULE, weightDecayRule } from './options.js';

export interface RMSpropHyperparameters {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export type RMSpropOptions = Partial<RMSpropHyperparameters>;

export type RMSpropStateDict = OptimizerStateDict<RMSpropHyperparameters>;

type RMSpropGroup = ParamGroup<RMSpropHyperparameters>;

/**
 * RMSprop as torch.optim.RMSprop (2.x): g = ±grad (+ weightDecay·p); s = α·s + (1 − α)·g²;
 * centered: ḡ = lerp(ḡ, g, 1 − α) and avg = √(s − ḡ²), else avg = √s; avg += eps;
 * with momentum buf = momentum·buf + g / avg and p −= lr·buf, else p −= lr · g / avg.
 */
export class RMSprop extends Optimizer<RMSpropHyperparameters> {
  constructor(
    params: Tensor[] | ParamGroupInput<RMSpropHyperparameters>[],
    options: RMSpropOptions = {},
  ) {
    super(params, options, RMSPROP_DEFINITION);
  }

  protected initialState(p: Tensor, group: RMSpropGroup): ParamState {
    return {
      step: 0,
      squareAvg: zerosLike(p),
      ...(group.momentum > 0 ? { momentumBuffer: zerosLike(p) } : {}),
      ...(group.centered ? { gradAvg: zerosLike(p) } : {}),
    };
  }

  protected update(
    param: Storage,
    grad: Storage,
    state: ParamState,
    group: RMSpropGroup,
    p: Tensor,
  ): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    state.step = (state.step as number) + 1;
    // Options switched on after the first steps start their state there (torch fails).
    if (momentum > 0 && !state.momentumBuffer) state.momentumBuffer = zerosLike(p);
    if (centered && !state.gradAvg) state.gradAvg = zerosLike(p);
    const square = stateStorage(state, 'squareAvg');
    const buffer = momentum > 0 ? stateStorage(state, 'momentumBuffer') : null;
    const mean = centered ? stateStorage(state, 'gradAvg') : null;
    for (let i = 0; i < param.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * param[i];
      square[i] = square[i] * alpha + (1 - alpha) * g * g;
      let avg: number;
      if (mean !== null) {
        mean[i] = lerp(mean[i], g, 1 - alpha);
        avg = Math.sqrt(square[i] - mean[i] * mean[i]);
      } else {
        avg = Math.sqrt(square[i]);
      }
      avg += eps;
      if (buffer !== null) {
        buffer[i] = buffer[i] * momentum + g / avg;
        param[i] += -lr * buffer[i];
      } else {
        param[i] += -lr * (g / avg);
      }
    }
  }
}

export const RMSPROP_DEFINITION: OptimizerDefinition = {
  name: 'rmsprop',
  className: 'RMSprop',
  description: 'torch.optim.RMSprop: divides the gradient by a running root mean square.',
  options: {
    lr: lrRule(0.01),
    alpha: {
      type: 'number',
      default: 0.99,
      min: 0,
      words: 'alpha value',
      description: 'Smoothing constant of the running mean of the squared gradient.',
      example: 0.9,
    },
    eps: epsRule(1e-8, 'Term added to the denominator for numerical stability.'),
    weightDecay: weightDecayRule(0, 'L2 penalty added to the gradient.'),
    momentum: {
      type: 'number',
      default: 0,
      min: 0,
      words: 'momentum value',
      description: 'Momentum factor.',
      example: 0.9,
    },
    centered: {
      type: 'boolean',
      default: false,
      description: 'Divide by the running variance of the gradient instead of its mean square.',
      example: true,
    },
    maximize: MAXIMIZE_RULE,
  },
  stateNames: ['squareAvg', 'momentumBuffer', 'gradAvg'],
  create: (params, options) => new RMSprop(params, options as RMSpropOptions),
};
