import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
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

export interface AdadeltaHyperparameters {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

export type AdadeltaOptions = Partial<AdadeltaHyperparameters>;

export type AdadeltaStateDict = OptimizerStateDict<AdadeltaHyperparameters>;

type AdadeltaGroup = ParamGroup<AdadeltaHyperparameters>;

/**
 * Adadelta as torch.optim.Adadelta: g = ±grad (+ weightDecay·p); s = ρ·s + (1 − ρ)·g²;
 * δ = √(a + eps) / √(s + eps) · g; a = ρ·a + (1 − ρ)·δ²; p −= lr·δ.
 */
export class Adadelta extends Optimizer<AdadeltaHyperparameters> {
  constructor(
    params: Tensor[] | ParamGroupInput<AdadeltaHyperparameters>[],
    options: AdadeltaOptions = {},
  ) {
    super(params, options, ADADELTA_DEFINITION);
  }

  protected initialState(p: Tensor): ParamState {
    return { step: 0, squareAvg: zerosLike(p), accDelta: zerosLike(p) };
  }

  protected update(param: Storage, grad: Storage, state: ParamState, group: AdadeltaGroup): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    state.step = (state.step as number) + 1;
    const square = stateStorage(state, 'squareAvg');
    const acc = stateStorage(state, 'accDelta');
    for (let i = 0; i < param.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * param[i];
      square[i] = square[i] * rho + (1 - rho) * g * g;
      const std = Math.sqrt(square[i] + eps);
      const delta = (Math.sqrt(acc[i] + eps) / std) * g;
      acc[i] = acc[i] * rho + (1 - rho) * delta * delta;
      param[i] += -lr * delta;
    }
  }
}

export const ADADELTA_DEFINITION: OptimizerDefinition = {
  name: 'adadelta',
  className: 'Adadelta',
  description:
    'torch.optim.Adadelta: steps scaled by the ratio of running RMS of updates and gradients.',
  options: {
    lr: lrRule(1),
    rho: {
      type: 'number',
      default: 0.9,
      min: 0,
      max: 1,
      words: 'rho value',
      description: 'Decay rate of the running means, in [0, 1].',
      example: 0.95,
    },
    eps: epsRule(1e-6, 'Term added inside the square roots for numerical stability.'),
    weightDecay: weightDecayRule(0, 'L2 penalty added to the gradient.'),
    maximize: MAXIMIZE_RULE,
  },
  stateNames: ['squareAvg', 'accDelta'],
  create: (params, options) => new Adadelta(params, options as AdadeltaOptions),
};
