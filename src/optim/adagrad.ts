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

export interface AdagradHyperparameters {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export type AdagradOptions = Partial<AdagradHyperparameters>;

export type AdagradStateDict = OptimizerStateDict<AdagradHyperparameters>;

type AdagradGroup = ParamGroup<AdagradHyperparameters>;

/**
 * Adagrad as torch.optim.Adagrad: at step t, clr = lr / (1 + (t − 1)·lrDecay);
 * g = ±grad (+ weightDecay·p); sum += g²; p −= clr · g / (√sum + eps). As in torch, every
 * parameter's state (step 0, sum = initialAccumulatorValue) exists from the start.
 */
export class Adagrad extends Optimizer<AdagradHyperparameters> {
  constructor(
    params: Tensor[] | ParamGroupInput<AdagradHyperparameters>[],
    options: AdagradOptions = {},
  ) {
    super(params, options, ADAGRAD_DEFINITION);
  }

  protected override groupAdded(group: AdagradGroup): void {
    for (const p of group.params) {
      if (!this.state.has(p)) this.state.set(p, this.initialState(p, group));
    }
  }

  protected initialState(p: Tensor, group: AdagradGroup): ParamState {
    return { step: 0, sum: zerosLike(p, group.initialAccumulatorValue) };
  }

  protected update(param: Storage, grad: Storage, state: ParamState, group: AdagradGroup): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    const step = (state.step as number) + 1;
    state.step = step;
    const sum = stateStorage(state, 'sum');
    const clr = lr / (1 + (step - 1) * lrDecay);
    for (let i = 0; i < param.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * param[i];
      sum[i] = sum[i] + g * g;
      const std = Math.sqrt(sum[i]) + eps;
      param[i] += -clr * (g / std);
    }
  }
}

export const ADAGRAD_DEFINITION: OptimizerDefinition = {
  name: 'adagrad',
  className: 'Adagrad',
  description: 'torch.optim.Adagrad: divides the gradient by the root of the sum of its squares.',
  options: {
    lr: lrRule(0.01),
    lrDecay: {
      type: 'number',
      default: 0,
      min: 0,
      words: 'lrDecay value',
      description: 'Learning-rate decay: step t uses lr / (1 + (t − 1)·lr_decay).',
      example: 0.001,
    },
    weightDecay: weightDecayRule(0, 'L2 penalty added to the gradient.'),
    initialAccumulatorValue: {
      type: 'number',
      default: 0,
      min: 0,
      words: 'initialAccumulatorValue value',
      description: 'Starting value of the sum of squared gradients.',
      example: 0.1,
    },
    eps: epsRule(1e-10, 'Term added to the denominator for numerical stability.'),
    maximize: MAXIMIZE_RULE,
  },
  stateNames: ['sum'],
  create: (params, options) => new Adagrad(params, options as AdagradOptions),
};
