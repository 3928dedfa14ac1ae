import { kernelFloat32 } from '../kernels/buffers.js';
import type { Storage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import {
  Optimizer,
  type OptimizerDefinition,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
} from './optimizer.js';
import { lrRule, MAXIMIZE_RULE, weightDecayRule } from './options.js';
import { type SGDHyperparameters, sgdUpdate } from './sgd-update.js';

export type { SGDHyperparameters } from './sgd-update.js';

/** The options of `new SGD(...)`; each defaults as torch.optim.SGD (lr has no default). */
export type SGDOptions = Partial<SGDHyperparameters>;

export type SGDStateDict = OptimizerStateDict<SGDHyperparameters>;

/**
 * Stochastic gradient descent with momentum, with the update rule and numbers of
 * torch.optim.SGD (see sgd-update.ts and docs/optim.md).
 */
export class SGD extends Optimizer<SGDHyperparameters> {
  constructor(params: Tensor[] | ParamGroupInput<SGDHyperparameters>[], options: SGDOptions = {}) {
    super(params, options, SGD_DEFINITION);
  }

  protected initialState(): ParamState {
    return { momentumBuffer: null };
  }

  protected update(
    param: Storage,
    grad: Storage,
    state: ParamState,
    group: ParamGroup<SGDHyperparameters>,
    p: Tensor,
  ): void {
    const firstStep = group.momentum !== 0 && state.momentumBuffer === null;
    if (firstStep) state.momentumBuffer = this.newStateTensor(p);
    const buffer = group.momentum !== 0 ? (state.momentumBuffer as Tensor).storage : null;
    sgdUpdate(param, grad, buffer, firstStep, group);
  }

  /**
   * Float32 momentum buffers go where the update kernel uses them in place (wasm memory), which
   * is safe because they never leave the optimizer: stateDict copies them.
   */
  protected override newStateTensor(p: Tensor): Tensor {
    const storage = p.dtype === 'float64' ? new Float64Array(p.size) : kernelFloat32(p.size);
    return new Tensor(storage, p.shape);
  }
}

export const SGD_DEFINITION: OptimizerDefinition = {
  name: 'sgd',
  className: 'SGD',
  description: 'torch.optim.SGD: stochastic gradient descent with momentum.',
  options: {
    lr: lrRule(),
    momentum: {
      type: 'number',
      default: 0,
      min: 0,
      words: 'momentum value',
      description: 'Momentum factor.',
      example: 0.9,
    },
    dampening: {
      type: 'number',
      default: 0,
      min: 0,
      words: 'dampening value',
      description: 'Dampening for momentum.',
      example: 0,
    },
    weightDecay: weightDecayRule(0, 'L2 penalty added to the gradient.'),
    nesterov: {
      type: 'boolean',
      default: false,
      description: 'Nesterov momentum (needs momentum > 0 and dampening 0, as torch).',
      example: true,
    },
    maximize: MAXIMIZE_RULE,
  },
  stateNames: ['momentumBuffer'],
  check: (g) =>
    g.nesterov && ((g.momentum as number) <= 0 || g.dampening !== 0)
      ? 'Nesterov momentum requires a momentum and zero dampening'
      : null,
  create: (params, options) => new SGD(params, options as SGDOptions),
};
