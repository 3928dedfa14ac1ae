import { formatShape } from '../opdefs/dims.js';
import { SPEC_OPS } from '../opdefs/index.js';
import { CODES } from '../opdefs/shape-issue.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import type { LocatedSpec, SpecPath } from '../spec/located.js';
import type { BlockSpec, GraphEntrySpec, InitSpec, ParameterSpec, Spec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import { checkTrain } from './check-train.js';
import { collectEntries, type Entry, orderEntries } from './entries.js';
import { type Env, evaluateText } from './env.js';
import { parseExpression } from './expr/parse.js';
import { firstContractions, torchFan, usageFan } from './fan.js';
import type { Graph, GraphInput, GraphModule, GraphParameter } from './graph.js';
import { sizeIssue } from './infer.js';
import { resolveInit } from './init.js';
import { ExpressionLowering } from './lower-expr.js';
import { lowerOpObject } from './lower-object.js';
import { Lowering } from './lowering.js';
import {
  type BlockInstance,
  buildModule,
  buildSequential,
  type ChainModule,
  type ModuleContext,
  type ModuleInstance,
} from './modules.js';
import { knownNames, referencedNames } from './names.js';
import { Scope } from './scope.js';

const KIND_WORDS = {
  input: 'an input',
  parameter: 'a parameter',
  graph: 'a graph node',
  layers: "the layers' output (layers.to)",
  module: 'a module',
};

type Kind = keyof typeof KIND_WORDS;

const OP_NAMES = new Set(SPEC_OPS.map((def) => def.name));

export interface LowerOptions {
  /** Values for dims, over the spec's own (`--dim n_layer=6`). */
  dims?: Readonly<Record<string, number>>;
}

/** Every declared name with where it is declared; a repeated name is MS203 at the later place. */
function declareNames(spec: Spec, lowering: Lowering): Map<string, Kind> {
  const declared = new Map<string, Kind>();
  const declare = (name: string, kind: Kind, path: SpecPath) => {
    const earlier = declared.get(name);
    if (earlier) {
      lowering.reporter.error(
        'MS203',
        { path },
        `name '${name}' is already ${KIND_WORDS[earlier]}; names are unique across inputs, parameters, modules, graph and layers.to`,
      );
      return;
    }
    declared.set(name, kind);
  };
  for (const name of Object.keys(spec.inputs ?? {})) declare(name, 'input', ['inputs', name]);
  for (const name of Object.keys(spec.parameters ?? {}))
    declare(name, 'parameter', ['parameters', name]);
  for (const name of Object.keys(spec.modules ?? {})) declare(name, 'module', ['modules', name]);
  for (const name of Object.keys(spec.graph ?? {})) declare(name, 'graph', ['graph', name]);
  if (spec.layers) declare(spec.layers.to, 'layers', ['layers', 'to']);
  return declared;
}

/**
 * The dims, each a whole number > 0: a number, or an expression over the dims before it;
 * `overrides` (the CLI's --dim) replace a declared dim's value.
 */
function resolveDims(
  spec: Spec,
  lowering: Lowering,
  overrides: Readonly<Record<string, number>>,
): Map<string, number> {
  const env = new Map<string, number>();
  for (const [name, written] of Object.entries(spec.dims ?? {})) {
    const path = ['dims', name];
    if (name in overrides) {
      env.set(name, overrides[name]);
      continue;
    }
    const value = evaluateText(written, env, { integer: true });
    if ('message' in value) {
      lowering.reporter.error(
        'MS216',
        { path, span: value.span },
        `dim '${name}': ${value.message}`,
      );
      continue;
    }
    if (typeof value.value !== 'number' || value.value < 1) {
      lowering.reporter.error(
        'MS216',
        { path },
        `dim '${name}' must be a whole number of at least 1, got ${JSON.stringify(value.value)}`,
      );
      continue;
    }
    env.set(name, value.value);
  }
  for (const name of Object.keys(overrides)) {
    if (!env.has(name) && !(name in (spec.dims ?? {}))) {
      const known = Object.keys(spec.dims ?? {});
      lowering.reporter.error(
        'MS216',
        { path: ['dims'] },
        `--dim ${name}: the spec declares no dim '${name}'${didYouMean(name, known)}${known.length ? ` (dims: ${known.join(', ')})` : ''}`,
      );
    }
  }
  return env;
}

/** A shape of sizes: numbers, dims, expressions; symbols stay symbolic where `symbols`. */
function resolveShape(
  shape: readonly (number | string)[],
  env: Env,
  lowering: Lowering,
  path: SpecPath,
  symbols: boolean,
): (number | string)[] | null {
  const out: (number | string)[] = [];
  for (const [i, dim] of shape.entries()) {
    const value = evaluateText(dim, env, { integer: true, symbols });
    if ('message' in value) {
      lowering.reporter.error('MS216', { path: [...path, i], span: value.span }, value.message);
      return null;
    }
    out.push(value.value as number | string);
  }
  return out;
}

function lowerInputs(spec: Spec, lowering: Lowering, env: Env): GraphInput[] {
  return Object.entries(spec.inputs ?? {}).flatMap(([name, input]) => {
    const path = ['inputs', name];
    const shape = resolveShape(input.shape, env, lowering, [...path, 'shape'], true);
    if (shape === null) return [];
    const value = { shape, dtype: input.dtype ?? 'float32' };
    const tooLarge = sizeIssue(`input '${name}'`, value);
    if (tooLarge)
      lowering.reporter.error(tooLarge.code, { path: [...path, 'shape'] }, tooLarge.message);
    if (!lowering.values.has(name)) lowering.values.set(name, value);
    return [{ name, ...value, loc: lowering.loc({ path }) }];
  });
}

/** A body's declared parameters (the top level's, or a block instance's under its path). */
function lowerParameters(
  parameters: Readonly<Record<string, ParameterSpec>>,
  scope: Scope,
  key: readonly number[],
): void {
  const { lowering } = scope;
  Object.entries(parameters).forEach(([name, param], i) => {
    const path = [...scope.specPath, 'parameters', name];
    const shape = resolveShape(param.shape, scope.env, lowering, [...path, 'shape'], false);
    if (shape === null) return;
    const qualified = scope.qualify(name);
    lowering.addParam({
      name: qualified,
      shape: shape as number[],
      init: { spec: param.init },
      trainable: param.trainable ?? true,
      path,
      key: [...key, 0, i],
      env: scope.env,
    });
    scope.locals.set(name, qualified);
  });
}

/** Lowers one entry of a body's graph (or the `layers` stack) in its scope. */
function lowerEntry(scope: Scope, entry: Entry, layers: ChainModule | null): void {
  const known = scope.known();
  const node = scope.nodeName(entry.name);
  let value: string | null = null;
  switch (entry.kind) {
    case 'expr':
      value = new ExpressionLowering(scope, entry.name, entry.path).lowerRoot(entry.expr);
      break;
    case 'number':
      value = scope.lowering.addNode({
        name: node,
        op: 'constant',
        inputs: [],
        attrs: { value: entry.value },
        site: { path: entry.path },
        operandSites: [],
        constantDtype: 'float32',
      });
      break;
    case 'object':
      value = lowerOpObject(scope, entry.name, entry.path, entry.spec, known);
      break;
    case 'layers': {
      const from = entry.deps[0].name;
      const input = scope.value(from);
      if (input === undefined && !known.has(from)) {
        scope.lowering.reporter.error(
          'MS202',
          { path: ['layers', 'from'] },
          `unknown name '${from}' in layers.from${didYouMean(from, known)} ${knownNames(known)}`,
        );
      }
      if (input !== undefined && layers !== null)
        value = lowerLayersCall(scope, layers, input, node);
      break;
    }
    case 'broken':
      return;
  }
  if (value !== null) scope.locals.set(entry.name, value);
}

/** The `layers` stack: a sequential module named `layers`, its result named by `to`. */
function lowerLayersCall(
  scope: Scope,
  layers: ChainModule,
  input: string,
  to: string,
): string | null {
  const site = { path: ['layers', 'to'] };
  if (layers.children().length === 0) {
    return scope.lowering.addNode({
      name: to,
      op: 'identity',
      inputs: [input],
      attrs: {},
      site,
      operandSites: [{ path: ['layers', 'from'] }],
    });
  }
  return layers.call([input], to, site, [{ path: ['layers', 'from'] }]);
}

/** A body's graph entries, in dependency order, in `scope`. */
function lowerGraph(
  scope: Scope,
  graph: Readonly<Record<string, GraphEntrySpec>>,
  layers: { spec: Spec['layers']; module: ChainModule | null } | null,
): Entry[] {
  const entries = collectEntries(
    graph,
    [...scope.specPath, 'graph'],
    layers?.spec,
    new Set(scope.modules.keys()),
    scope.lowering.reporter,
  );
  for (const entry of orderEntries(entries, scope.lowering.reporter)) {
    lowerEntry(scope, entry, layers?.module ?? null);
  }
  return entries;
}

/** The loss's value name: a bare name is used as is; an expression becomes node `loss` (or `loss/value` if taken). */
function lowerLoss(spec: Spec, scope: Scope, known: ReadonlySet<string>): string | null {
  if (spec.loss === undefined) return null;
  const { lowering } = scope;
  const path = ['loss'];
  const parsed = parseExpression(spec.loss);
  if (!parsed.ok) {
    lowering.reporter.error('MS201', { path, span: parsed.error }, parsed.error.message);
    return null;
  }
  const { expr } = parsed;
  const rootName = known.has('loss') ? 'loss/value' : 'loss';
  const expressions = new ExpressionLowering(scope, rootName, path);
  const name =
    expr.kind === 'name' ? expressions.lowerReference(expr) : expressions.lowerRoot(expr);
  const value = name === null ? undefined : lowering.values.get(name);
  if (!value) return null;
  if (value.shape.length !== 0) {
    lowering.reporter.error(
      CODES.lossNotScalar,
      { path, span: expr },
      `the loss must be a scalar (shape []), got [${value.shape.join(', ')}]; reduce it, e.g. mean(...)`,
    );
    return null;
  }
  if (value.dtype !== 'float32') {
    lowering.reporter.error(
      CODES.dtype,
      { path, span: expr },
      `the loss must be float32, got ${value.dtype}`,
    );
    return null;
  }
  return name;
}

/**
 * Every name the graph and the loss mention, or null after a syntax error (what a broken
 * expression uses is unknown, so no parameter can be called unused).
 */
function namedAnywhere(entries: readonly Entry[], spec: Spec): Set<string> | null {
  const loss = spec.loss === undefined ? undefined : parseExpression(spec.loss);
  if (entries.some((e) => e.kind === 'broken') || (loss && !loss.ok)) return null;
  const lossRefs = loss?.ok ? referencedNames(loss.expr).map((ref) => ref.name) : [];
  return new Set([...entries.flatMap((e) => e.deps.map((d) => d.name)), ...lossRefs]);
}

/** Named outputs, checked; or by default every entry no other entry uses (the loss is no use). */
function resolveOutputs(
  spec: Spec,
  lowering: Lowering,
  entries: readonly Entry[],
  declared: ReadonlyMap<string, Kind>,
): string[] {
  const entryNames = entries.map((e) => e.name);
  if (spec.outputs === undefined) {
    const used = new Set(entries.flatMap((e) => e.deps.map((d) => d.name)));
    return entryNames.filter((name) => !used.has(name) && lowering.values.has(name));
  }
  const seen = new Set<string>();
  return spec.outputs.filter((name, i) => {
    const site = { path: ['outputs', i] };
    const kind = declared.get(name);
    if (kind === 'input' || kind === 'parameter' || kind === 'module') {
      lowering.reporter.error(
        'MS212',
        site,
        `outputs name graph nodes; '${name}' is ${KIND_WORDS[kind]}`,
      );
      return false;
    }
    if (!kind) {
      lowering.reporter.error(
        'MS212',
        site,
        `output '${name}' is not a graph node${didYouMean(name, entryNames)} ${knownNames(new Set(entryNames), 'graph nodes')}`,
      );
      return false;
    }
    if (seen.has(name)) {
      lowering.reporter.error('MS212', site, `output '${name}' is listed twice`);
      return false;
    }
    seen.add(name);
    return true;
  });
}

/** Nodes that an output or the loss needs, in their (topological) order. */
function neededNodes(lowering: Lowering, roots: readonly string[]) {
  const byName = new Map(lowering.nodes.map((n) => [n.name, n]));
  const needed = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    pending.push(...(byName.get(name)?.inputs ?? []));
  }
  return { nodes: lowering.nodes.filter((n) => needed.has(n.name)), needed };
}

/** Numbers in an init's arguments may be expressions over dims and args (`0.02 / sqrt(2 * n_layer)`). */
function evaluateInit(
  spec: InitSpec | undefined,
  env: Env | undefined,
): { spec: InitSpec | undefined } | { message: string } {
  if (spec === undefined || typeof spec === 'string' || env === undefined) return { spec };
  const [[kind, args]] = Object.entries(spec);
  if (args === null || typeof args !== 'object') return { spec };
  const out: Record<string, number | string> = {};
  for (const [name, value] of Object.entries(args)) {
    if (typeof value !== 'string' || name === 'mode' || name === 'nonlinearity') {
      out[name] = value;
      continue;
    }
    const evaluated = evaluateText(value, env);
    if ('message' in evaluated) return { message: `${name}: ${evaluated.message}` };
    out[name] = evaluated.value as number;
  }
  return { spec: { [kind]: out } };
}

/**
 * Resolves inits (fan from use) and warns about declared parameters nothing needs. While there
 * are errors, only parameters never named anywhere are reported (the rest may be cut off by them).
 * Parameters come out in declaration order (modules.ts's keys): torch's state_dict order.
 */
function finishParameters(
  lowering: Lowering,
  nodes: Graph['nodes'],
  needed: ReadonlySet<string>,
  named: ReadonlySet<string> | null,
): GraphParameter[] {
  const settled = lowering.reporter.errorCount === 0;
  const uses = firstContractions(nodes);
  const drafts = [...lowering.params].sort((a, b) => compareKeys(a.key, b.key));
  return drafts.flatMap((param) => {
    const declared = param.path[0] === 'parameters';
    if (declared && named && !named.has(param.name)) {
      lowering.reporter.warning(
        'MS213',
        { path: param.path },
        `parameter '${param.name}' is never used`,
      );
    } else if (declared && settled && !needed.has(param.name)) {
      lowering.reporter.warning(
        'MS213',
        { path: param.path },
        `parameter '${param.name}' is not used by any output or the loss`,
      );
    }
    let init: GraphParameter['init'];
    if ('resolved' in param.init) init = param.init.resolved;
    else {
      const evaluated = evaluateInit(param.init.spec, param.env);
      const initPath = param.init.spec === undefined ? param.path : [...param.path, 'init'];
      if ('message' in evaluated) {
        lowering.reporter.error(
          'MS215',
          { path: initPath },
          `parameter '${param.name}': ${evaluated.message}`,
        );
        return [];
      }
      const spec = evaluated.spec;
      const fan = param.init.torchFan
        ? torchFan(param.shape)
        : (usageFan(param.name, param.shape, uses) ?? torchFan(param.shape));
      const result = resolveInit(spec, fan);
      if ('message' in result) {
        lowering.reporter.error(
          'MS215',
          { path: initPath },
          `parameter '${param.name}': ${result.message}`,
        );
        return [];
      }
      init = result.init;
    }
    return [
      {
        name: param.name,
        shape: param.shape,
        dtype: 'float32' as const,
        init,
        trainable: param.trainable,
        loc: lowering.loc({ path: param.path }),
      },
    ];
  });
}

/**
 * The state dict's keys in torch's order: module by module (declaration order), each module's
 * parameters then its persistent buffers, as nn.Module.state_dict lists them.
 */
function stateOrder(
  lowering: Lowering,
  parameters: readonly GraphParameter[],
  buffers: readonly import('./lowering.js').BufferDraft[],
): string[] {
  const keyOf = new Map(lowering.params.map((p) => [p.name, p.key]));
  const entries = [
    ...parameters.map((p) => ({ name: p.name, key: keyOf.get(p.name) ?? [] })),
    ...buffers.filter((b) => b.persistent).map((b) => ({ name: b.name, key: b.key })),
  ];
  return entries.sort((a, b) => compareKeys(a.key, b.key)).map((e) => e.name);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * `tie: {a: b}`: path a becomes the same tensor as parameter b (torch's
 * `self.lm_head.weight = self.wte.weight`). Nodes that read a read b; the graph lists a as tied
 * to b, so state dicts carry both names.
 */
function applyTies(
  spec: Spec,
  lowering: Lowering,
  parameters: GraphParameter[],
  nodes: Graph['nodes'],
): void {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const renamed = new Map<string, string>();
  for (const [alias, target] of Object.entries(spec.tie ?? {})) {
    const path = ['tie', alias];
    const [a, b] = [byName.get(alias), byName.get(target)];
    const names = [...byName.keys()];
    if (a === undefined || b === undefined) {
      const missing = a === undefined ? alias : target;
      lowering.reporter.error(
        'MS220',
        { path },
        `tie: '${missing}' is not a parameter${didYouMean(missing, names)} (a module's parameters exist once it is called)`,
      );
      continue;
    }
    if (a.shape.join() !== b.shape.join()) {
      lowering.reporter.error(
        'MS220',
        { path },
        `tie: '${alias}' ${formatShape(a.shape)} and '${target}' ${formatShape(b.shape)} have different shapes; only tensors of one shape can be one`,
      );
      continue;
    }
    a.tiedTo = target;
    a.init = b.init;
    a.trainable = b.trainable;
    renamed.set(alias, target);
  }
  for (const node of nodes) node.inputs = node.inputs.map((input) => renamed.get(input) ?? input);
}

/** The module tree as the graph lists it: depth first, in declaration order. */
function moduleList(modules: Iterable<ModuleInstance>): GraphModule[] {
  const out: GraphModule[] = [];
  const visit = (m: ModuleInstance) => {
    out.push({ path: m.path, kind: m.kind });
    for (const c of m.children()) visit(c);
  };
  for (const m of modules) visit(m);
  return out;
}

/**
 * Lowers a schema-valid spec to the Graph IR, reporting every finding of the file in one pass.
 * The graph is null when any finding is an error.
 */
export function lowerSpec(
  located: LocatedSpec,
  options: LowerOptions = {},
): {
  graph: Graph | null;
  diagnostics: Diagnostic[];
} {
  const { spec } = located;
  const lowering = new Lowering(located);
  const dims = resolveDims(spec, lowering, options.dims ?? {});
  const declared = declareNames(spec, lowering);
  const inputs = lowerInputs(spec, lowering, dims);
  const root = new Scope(lowering, '', [], dims, '');
  for (const name of declared.keys()) root.declared.add(name);
  for (const input of inputs) root.locals.set(input.name, input.name);
  lowerParameters(spec.parameters ?? {}, root, []);

  const blocks = new Map(Object.entries(spec.blocks ?? {}));
  const context: ModuleContext = {
    lowering,
    blocks,
    lowerBlockBody: (instance, operands, callIndex) =>
      lowerBlockBody(lowering, instance, operands, callIndex),
  };
  Object.entries(spec.modules ?? {}).forEach(([name, entry], j) => {
    const path = ['modules', name];
    if (OP_NAMES.has(name)) {
      lowering.reporter.error(
        'MS222',
        { path },
        `module '${name}' would hide the op ${name}(...); give the module another name (e.g. '${name}_1')`,
      );
      return;
    }
    const built = buildModule(context, entry, name, dims, { path }, [2, j], []);
    if (built) root.modules.set(name, built);
  });
  let layers: ChainModule | null = null;
  if (spec.layers) {
    const stack = spec.layers.stack;
    const built = buildSequential(
      context,
      stack,
      'layers',
      dims,
      { path: ['layers'] },
      (i) => ({ path: ['layers', 'stack', i] }),
      [3],
      [],
    );
    // Members' results are named by their paths (layers.0, layers.1, ...), the last by `to`.
    layers = built?.named((_, i) => `layers.${i}`) ?? null;
  }

  const known: ReadonlySet<string> = new Set(declared.keys());
  const entries = lowerGraph(
    root,
    spec.graph ?? {},
    spec.layers ? { spec: spec.layers, module: layers } : null,
  );
  for (const [name, module] of root.modules) {
    if (module.calls === 0 && lowering.reporter.errorCount === 0) {
      lowering.reporter.warning(
        'MS224',
        { path: ['modules', name] },
        `module '${name}' is never called`,
      );
    }
  }
  const loss = lowerLoss(spec, root, known);
  const outputs = resolveOutputs(spec, lowering, entries, declared);
  const { nodes, needed } = neededNodes(lowering, loss ? [...outputs, loss] : outputs);
  const parameters = finishParameters(lowering, nodes, needed, namedAnywhere(entries, spec));
  applyTies(spec, lowering, parameters, nodes);
  checkTrain(spec.train, parameters, lowering.reporter);
  const diagnostics = lowering.reporter.diagnostics;
  if (lowering.reporter.errorCount > 0) return { graph: null, diagnostics };
  const moduleTree = moduleList([...root.modules.values(), ...(layers ? [layers] : [])]);
  const buffers = [...lowering.buffers].sort((a, b) => compareKeys(a.key, b.key));
  const graph: Graph = {
    version: 1,
    name: spec.name,
    inputs,
    parameters,
    buffers: buffers.map(({ path, key: _, ...buffer }) => ({
      ...buffer,
      loc: lowering.loc({ path }),
    })),
    state: stateOrder(lowering, parameters, buffers),
    nodes,
    outputs,
    loss,
    train: spec.train ?? null,
    ...(spec.modules || spec.blocks ? { modules: moduleTree } : {}),
  };
  return { graph, diagnostics };
}

/** One call of a block instance: its graph in a scope of its own; the block output's name. */
function lowerBlockBody(
  lowering: Lowering,
  instance: BlockInstance,
  operands: readonly string[],
  callIndex: number,
): string | null {
  const block: BlockSpec = instance.block;
  const prefix = callIndex === 0 ? `${instance.path}/` : `${instance.path}:${callIndex + 1}/`;
  const scope = new Scope(lowering, instance.path, instance.specPath, instance.env, prefix);
  for (const name of [
    ...block.inputs,
    ...Object.keys(block.parameters ?? {}),
    ...Object.keys(block.graph),
  ]) {
    scope.declared.add(name);
  }
  for (const [i, name] of block.inputs.entries()) scope.locals.set(name, operands[i]);
  if (callIndex === 0) lowerParameters(block.parameters ?? {}, scope, instance.key);
  else {
    for (const name of Object.keys(block.parameters ?? {}))
      scope.locals.set(name, scope.qualify(name));
  }
  for (const [name, module] of instance.modules) scope.modules.set(name, module);
  const outer = lowering.module;
  lowering.module = instance.path;
  lowerGraph(scope, block.graph, null);
  lowering.module = outer;
  const output = scope.value(block.output);
  if (output === undefined) {
    if (!scope.known().has(block.output)) {
      lowering.reporter.error(
        'MS212',
        { path: [...instance.specPath, 'output'] },
        `block output '${block.output}' is not a value of the block${didYouMean(block.output, scope.known())} ${knownNames(scope.known())}`,
      );
    }
    return null;
  }
  return output;
}
