import type { LayersSpec } from '../spec/types.js';
import { formatShape } from './dims.js';
import { planLayer } from './layers.js';
import type { Lowering } from './lowering.js';
import { CODES } from './shape-issue.js';

/**
 * Expands `layers` into parameters and nodes as nn.Sequential would: entry i of the stack (any
 * kind) is module `layers.<i>`, its parameters `layers.<i>.weight` / `layers.<i>.bias`; the last
 * entry's node is named `to`, the others `layers.<i>`. A linear layer is initialised as
 * nn.Linear: weight kaiming_uniform(a=sqrt(5)) with fan_in = in, bias uniform(+-1/sqrt(in)).
 */
export function lowerLayers(
  lowering: Lowering,
  layers: LayersSpec,
  taken: ReadonlySet<string>,
): string | null {
  const { reporter } = lowering;
  const plans = layers.stack.map((entry, i) => {
    const plan = planLayer(i, entry);
    if (typeof plan === 'string') reporter.error('MS214', { path: ['layers', 'stack', i] }, plan);
    return plan;
  });
  let current: string | null = lowering.values.has(layers.from) ? layers.from : null;
  if (plans.length === 0) {
    return (
      current &&
      lowering.addNode({
        name: layers.to,
        op: 'identity',
        inputs: [current],
        attrs: {},
        site: { path: ['layers', 'to'] },
        operandSites: [{ path: ['layers', 'from'] }],
      })
    );
  }
  for (const plan of plans) {
    if (typeof plan === 'string' || current === null) return null;
    const path = ['layers', 'stack', plan.index];
    const name = plan.index === plans.length - 1 ? layers.to : `layers.${plan.index}`;
    const clash = [name, `layers.${plan.index}.weight`, `layers.${plan.index}.bias`].find(
      (n) => n !== layers.to && taken.has(n),
    );
    if (clash) {
      reporter.error(
        'MS203',
        { path },
        `layers makes '${clash}', which is already declared; rename the declared one`,
      );
      return null;
    }
    if (plan.kind === 'op') {
      current = lowering.addNode({
        name,
        op: plan.op,
        inputs: [current],
        attrs: plan.attrs,
        site: { path },
        operandSites: [{ path }],
      });
      continue;
    }
    const shape = lowering.values.get(current)!.shape;
    const inFeatures = shape[shape.length - 1];
    if (typeof inFeatures !== 'number') {
      reporter.error(
        CODES.layerInput,
        { path },
        `linear layer needs a fixed number of input features, but its input '${current}' is ${formatShape(shape)}`,
      );
      return null;
    }
    const weight = `layers.${plan.index}.weight`;
    const bias = `layers.${plan.index}.bias`;
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    lowering.addParam({
      name: weight,
      shape: [plan.out, inFeatures],
      init: {
        resolved: {
          kind: 'kaiming_uniform',
          a: Math.sqrt(5),
          mode: 'fan_in',
          nonlinearity: 'leaky_relu',
          fanIn: inFeatures,
          fanOut: plan.out,
        },
      },
      trainable: true,
      path,
    });
    if (plan.bias) {
      lowering.addParam({
        name: bias,
        shape: [plan.out],
        init: { resolved: { kind: 'uniform', low: -bound, high: bound } },
        trainable: true,
        path,
      });
    }
    const inputs = plan.bias ? [current, weight, bias] : [current, weight];
    current = lowering.addNode({
      name,
      op: 'linear',
      inputs,
      attrs: {},
      site: { path },
      operandSites: inputs.map(() => ({ path })),
    });
  }
  return current;
}
