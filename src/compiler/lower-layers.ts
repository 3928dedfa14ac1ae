import { CODES, ShapeIssue } from '../opdefs/shape-issue.js';
import type { ModuleBuffer, ModuleKind, ModuleParam } from '../opdefs/types.js';
import type { LayersSpec } from '../spec/types.js';
import { ABSENT } from './graph.js';
import { planLayer } from './layers.js';
import type { Lowering } from './lowering.js';

/**
 * The op's operands after the input, from a module's parameters and buffers: by the names the
 * module kind lists (ABSENT for one it lacks, trailing ones dropped), else the parameters then
 * the buffers in order.
 */
export function moduleOperands(
  module: ModuleKind,
  params: readonly ModuleParam[],
  buffers: readonly ModuleBuffer[],
  prefix: string,
): string[] {
  const made = [...params, ...buffers].map((entry) => entry.name);
  if (module.operands === undefined) return made.map((name) => `${prefix}${name}`);
  const unbound = made.find((name) => !module.operands?.includes(name));
  if (unbound !== undefined) throw new Error(`module kind: '${unbound}' is bound to no operand`);
  const operands = module.operands.map((name) =>
    made.includes(name) ? `${prefix}${name}` : ABSENT,
  );
  while (operands.length > 0 && operands[operands.length - 1] === ABSENT) operands.pop();
  return operands;
}

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
    const module = plan.kind.module;
    const inShape = lowering.values.get(current)!.shape;
    let params: ModuleParam[] | string;
    let buffers: ModuleBuffer[] | string;
    try {
      params = module.params?.(inShape, plan.args, current) ?? [];
      buffers = module.buffers?.(inShape, plan.args, current) ?? [];
    } catch (error) {
      if (!(error instanceof ShapeIssue)) throw error;
      reporter.error(error.code, { path }, error.message);
      return null;
    }
    const problem = [params, buffers].find((made) => typeof made === 'string');
    if (typeof params === 'string' || typeof buffers === 'string') {
      reporter.error(CODES.layerInput, { path }, problem as string);
      return null;
    }
    const prefix = `layers.${plan.index}.`;
    const made = [...params, ...buffers].map((entry) => `${prefix}${entry.name}`);
    const clash = [name, ...made].find((n) => n !== layers.to && taken.has(n));
    if (clash) {
      reporter.error(
        'MS203',
        { path },
        `layers makes '${clash}', which is already declared; rename the declared one`,
      );
      return null;
    }
    // torch's state_dict lists a module's parameters, then its buffers.
    for (const p of params) {
      lowering.addParam({
        name: `${prefix}${p.name}`,
        shape: p.shape,
        init: { resolved: p.init },
        trainable: true,
        path,
      });
    }
    for (const b of buffers) lowering.addBuffer({ ...b, name: `${prefix}${b.name}`, path });
    const inputs = [current, ...moduleOperands(module, params, buffers, prefix)];
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
