import { CODES, ShapeIssue } from '../opdefs/shape-issue.js';
import type { LayersSpec } from '../spec/types.js';
import { planLayer } from './layers.js';
import type { Lowering } from './lowering.js';

/**
 * Expands `layers` into parameters and nodes as nn.Sequential would: entry i of the stack (any
 * kind) is module `layers.<i>`, its parameters `layers.<i>.<name>` with the init torch gives
 * that module (nn.Linear's kaiming_uniform(a = √5) weight and U(±1/√in) bias); the last entry's
 * node is named `to`, the others `layers.<i>`.
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
    const module = plan.op.module ?? {};
    let params: ReturnType<NonNullable<typeof module.params>>;
    try {
      params = module.params?.(lowering.values.get(current)!.shape, plan.args, current) ?? [];
    } catch (error) {
      if (!(error instanceof ShapeIssue)) throw error;
      reporter.error(error.code, { path }, error.message);
      return null;
    }
    if (typeof params === 'string') {
      reporter.error(CODES.layerInput, { path }, params);
      return null;
    }
    const paramNames = params.map((p) => `layers.${plan.index}.${p.name}`);
    const clash = [name, ...paramNames].find((n) => n !== layers.to && taken.has(n));
    if (clash) {
      reporter.error(
        'MS203',
        { path },
        `layers makes '${clash}', which is already declared; rename the declared one`,
      );
      return null;
    }
    params.forEach((p, i) => {
      lowering.addParam({
        name: paramNames[i],
        shape: p.shape,
        init: { resolved: p.init },
        trainable: true,
        path,
      });
    });
    const inputs = [current, ...paramNames];
    current = lowering.addNode({
      name,
      op: plan.op.name,
      inputs,
      attrs: module.attrs?.(plan.args) ?? plan.args,
      site: { path },
      operandSites: inputs.map(() => ({ path })),
    });
  }
  return current;
}
