import { assignParamGroups } from '../compiler/param-groups.js';
import type { Optimizer, ParamGroupInput } from '../optim/optimizer.js';
import { classOptions, optimizerDefinition } from '../optim/registry.js';
import type { Model } from '../runtime/model.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ResolvedTrain } from './train-config.js';

/**
 * The run's optimizer over the model's trainable parameters: the default group first (the
 * parameters no spec group takes, with the optimizer's options), then each of train.param_groups
 * with its overrides, in the spec's order. A group keeps its place even when it takes nothing,
 * so the state dict's layout depends on the spec alone.
 */
export function makeOptimizer(model: Model, train: ResolvedTrain): Optimizer {
  const [name, specOptions] = Object.entries(train.optimizer)[0];
  const definition = optimizerDefinition(name);
  const named = model.namedParameters().filter(([, p]) => p.requiresGrad);
  const byName = new Map<string, Tensor>(named);
  const specGroups = train.param_groups ?? [];
  const { groups, rest } = assignParamGroups(
    named.map(([path, p]) => ({ name: path, shape: p.shape })),
    specGroups,
  );
  const inputs: ParamGroupInput[] = [
    { params: rest.map((path) => byName.get(path) as Tensor) },
    ...groups.map((paths, g) => {
      const { params: _globs, ndim_below: _ndim, ...overrides } = specGroups[g];
      return {
        ...(classOptions(definition, overrides) as Partial<ParamGroupInput>),
        params: paths.map((path) => byName.get(path) as Tensor),
      };
    }),
  ];
  return definition.create(
    specGroups.length === 0 ? inputs[0].params : inputs,
    classOptions(definition, specOptions) as never,
  );
}
