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
import { epsRule, lrRule, MAXIMIZE_RULE, type OptionRules, weightDecayRule } from './options.js';

export interface AdamHyperparameters {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** The options of `new Adam(...)` and `new AdamW(...)`; each defaults as in torch.optim. */
export type AdamOptions = Partial<AdamHyperparameters>;

export type AdamStateDict = OptimizerStateDict<AdamHyperparameters>;

type AdamGroup = ParamGroup<AdamHyperparameters>;

/**
 * One Adam step on one parameter, in the order of torch 2.x's single-tensor Adam:
 * g = ±grad (+ weightDecay·p unless decoupled; decoupled: p ·= 1 − lr·weightDecay first);
 * m = lerp(m, g, 1 − β1); v = β2·v + (1 − β2)·g²; with amsgrad vmax = max(vmax, v) replaces v;
 * p += −(lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps).
 */
function adamUpdate(
  param: Storage,
  grad: Storage,
  state: ParamState,
  group: AdamGroup,
  p: Tensor,
  decoupled: boolean,
): void {
  const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = betas;
  const step = (state.step as number) + 1;
  state.step = step;
  const m = stateStorage(state, 'expAvg');
  const v = stateStorage(state, 'expAvgSq');
  // A group switched to amsgrad after its first steps starts its maximum there (torch fails).
  if (amsgrad && !state.maxExpAvgSq) state.maxExpAvgSq = zerosLike(p);
  const vmax = amsgrad ? stateStorage(state, 'maxExpAvgSq') : null;
  const stepSize = lr / (1 - beta1 ** step);
  const correction2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < param.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (decoupled) param[i] *= decay;
    else if (weightDecay !== 0) g += weightDecay * param[i];
    m[i] = lerp(m[i], g, 1 - beta1);
    v[i] = v[i] * beta2 + (1 - beta2) * g * g;
    let second = v[i];
    if (vmax !== null) {
      vmax[i] = Math.max(vmax[i], v[i]);
      second = vmax[i];
    }
    const denom = Math.sqrt(second) / correction2Sqrt + eps;
    param[i] += -stepSize * (m[i] / denom);
  }
}

/**
 * What Adam and AdamW share: the state and the update, with the weight decay added to the
 * gradient (Adam) or decoupled from it (AdamW).
 */
export abstract class AdamFamily extends Optimizer<AdamHyperparameters> {
  protected constructor(
    params: Tensor[] | ParamGroupInput<AdamHyperparameters>[],
    options: AdamOptions,
    definition: OptimizerDefinition,
    private readonly decoupled: boolean,
  ) {
    super(params, options, definition);
  }

  protected initialState(p: Tensor, group: AdamGroup): ParamState {
    return {
      step: 0,
      expAvg: zerosLike(p),
      expAvgSq: zerosLike(p),
      ...(group.amsgrad ? { maxExpAvgSq: zerosLike(p) } : {}),
    };
  }

  protected update(
    param: Storage,
    grad: Storage,
    state: ParamState,
    group: AdamGroup,
    p: Tensor,
  ): void {
    adamUpdate(param, grad, state, group, p, this.decoupled);
  }
}

/** Adam with L2 weight decay added to the gradient, as torch.optim.Adam. */
export class Adam extends AdamFamily {
  constructor(
    params: Tensor[] | ParamGroupInput<AdamHyperparameters>[],
    options: AdamOptions = {},
  ) {
    super(params, options, ADAM_DEFINITION, false);
  }
}

/** Adam with decoupled weight decay (p ·= 1 − lr·weightDecay before the step), as torch.optim.AdamW. */
export class AdamW extends AdamFamily {
  constructor(
    params: Tensor[] | ParamGroupInput<AdamHyperparameters>[],
    options: AdamOptions = {},
  ) {
    super(params, options, ADAMW_DEFINITION, true);
  }
}

function adamOptions(weightDecay: number, decayWords: string): OptionRules {
  return {
    lr: lrRule(0.001),
    betas: {
      type: 'pair',
      default: [0.9, 0.999],
      min: 0,
      below: 1,
      words: 'beta parameter',
      description:
        'Decay rates of the running means of the gradient and of its square, each in [0, 1).',
      example: [0.9, 0.95],
    },
    eps: epsRule(1e-8, 'Term added to the denominator for numerical stability.'),
    weightDecay: weightDecayRule(weightDecay, decayWords),
    amsgrad: {
      type: 'boolean',
      default: false,
      description: 'Use the maximum of the past second moments (AMSGrad).',
      example: true,
    },
    maximize: MAXIMIZE_RULE,
  };
}

const ADAM_STATE = ['expAvg', 'expAvgSq', 'maxExpAvgSq'];

export const ADAM_DEFINITION: OptimizerDefinition = {
  name: 'adam',
  className: 'Adam',
  description: 'torch.optim.Adam: adaptive moments, weight decay added to the gradient (L2).',
  options: adamOptions(0, 'L2 penalty added to the gradient.'),
  stateNames: ADAM_STATE,
  create: (params, options) => new Adam(params, options as AdamOptions),
};

export const ADAMW_DEFINITION: OptimizerDefinition = {
  name: 'adamw',
  className: 'AdamW',
  description:
    'torch.optim.AdamW: Adam with decoupled weight decay (the weights shrink by lr·weight_decay each step).',
  options: adamOptions(
    0.01,
    'Decoupled weight decay: each step multiplies the weights by 1 − lr·weight_decay.',
  ),
  stateNames: ADAM_STATE,
  create: (params, options) => new AdamW(params, options as AdamOptions),
};
