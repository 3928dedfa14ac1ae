import { CODES } from '../opdefs/shape-issue.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import type { LocatedSpec, SpecPath } from '../spec/located.js';
import type { Spec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import { checkTrain } from './check-train.js';
import { collectEntries, type Entry, orderEntries } from './entries.js';
import { parseExpression } from './expr/parse.js';
import { firstContractions, torchFan, usageFan } from './fan.js';
import type { Graph, GraphInput, GraphParameter } from './graph.js';
import { sizeIssue } from './infer.js';
import { resolveInit } from './init.js';
import { ExpressionLowering } from './lower-expr.js';
import { lowerLayers } from './lower-layers.js';
import { lowerOpObject } from './lower-object.js';
import { Lowering } from './lowering.js';
import { knownNames, referencedNames } from './names.js';

const KIND_WORDS = {
  input: 'an input',
  parameter: 'a parameter',
  graph: 'a graph node',
  layers: "the layers' output (layers.to)",
};

/** Every declared name with where it is declared; a repeated name is MS203 at the later place. */
function declareNames(spec: Spec, lowering: Lowering): Map<string, keyof typeof KIND_WORDS> {
  const declared = new Map<string, keyof typeof KIND_WORDS>();
  const declare = (name: string, kind: keyof typeof KIND_WORDS, path: SpecPath) => {
    const earlier = declared.get(name);
    if (earlier) {
      lowering.reporter.error(
        'MS203',
        { path },
        `name '${name}' is already ${KIND_WORDS[earlier]}; names are unique across inputs, parameters, graph and layers.to`,
      );
      return;
    }
    declared.set(name, kind);
  };
  for (const name of Object.keys(spec.inputs ?? {})) declare(name, 'input', ['inputs', name]);
  for (const name of Object.keys(spec.parameters ?? {}))
    declare(name, 'parameter', ['parameters', name]);
  for (const name of Object.keys(spec.graph ?? {})) declare(name, 'graph', ['graph', name]);
  if (spec.layers) declare(spec.layers.to, 'layers', ['layers', 'to']);
  return declared;
}

function lowerInputs(spec: Spec, lowering: Lowering): GraphInput[] {
  return Object.entries(spec.inputs ?? {}).map(([name, input]) => {
    const path = ['inputs', name];
    const value = { shape: [...input.shape], dtype: input.dtype ?? 'float32' };
    const tooLarge = sizeIssue(`input '${name}'`, value);
    if (tooLarge)
      lowering.reporter.error(tooLarge.code, { path: [...path, 'shape'] }, tooLarge.message);
    if (!lowering.values.has(name)) lowering.values.set(name, value);
    return { name, ...value, loc: lowering.loc({ path }) };
  });
}

function lowerEntry(
  lowering: Lowering,
  entry: Entry,
  spec: Spec,
  known: ReadonlySet<string>,
): void {
  switch (entry.kind) {
    case 'expr':
      new ExpressionLowering(lowering, entry.name, entry.path, known).lowerRoot(entry.expr);
      return;
    case 'number':
      lowering.addNode({
        name: entry.name,
        op: 'constant',
        inputs: [],
        attrs: { value: entry.value },
        site: { path: entry.path },
        operandSites: [],
        constantDtype: 'float32',
      });
      return;
    case 'object':
      lowerOpObject(lowering, entry.name, entry.path, entry.spec, known);
      return;
    case 'layers':
      if (!known.has(spec.layers!.from)) {
        lowering.reporter.error(
          'MS202',
          { path: ['layers', 'from'] },
          `unknown name '${spec.layers!.from}' in layers.from${didYouMean(spec.layers!.from, known)} ${knownNames(known)}`,
        );
      }
      lowerLayers(lowering, spec.layers!, known);
      return;
    case 'broken':
      return;
  }
}

/** The loss's value name: a bare name is used as is; an expression becomes node `loss` (or `loss/value` if taken). */
function lowerLoss(spec: Spec, lowering: Lowering, known: ReadonlySet<string>): string | null {
  if (spec.loss === undefined) return null;
  const path = ['loss'];
  const parsed = parseExpression(spec.loss);
  if (!parsed.ok) {
    lowering.reporter.error('MS201', { path, span: parsed.error }, parsed.error.message);
    return null;
  }
  const { expr } = parsed;
  const rootName = known.has('loss') ? 'loss/value' : 'loss';
  const expressions = new ExpressionLowering(lowering, rootName, path, known);
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
  declared: ReadonlyMap<string, keyof typeof KIND_WORDS>,
): string[] {
  const entryNames = entries.map((e) => e.name);
  if (spec.outputs === undefined) {
    const used = new Set(entries.flatMap((e) => e.deps.map((d) => d.name)));
    return entryNames.filter((name) => !used.has(name));
  }
  const seen = new Set<string>();
  return spec.outputs.filter((name, i) => {
    const site = { path: ['outputs', i] };
    const kind = declared.get(name);
    if (kind === 'input' || kind === 'parameter') {
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

function lowerParameters(spec: Spec, lowering: Lowering): void {
  for (const [name, param] of Object.entries(spec.parameters ?? {})) {
    lowering.addParam({
      name,
      shape: [...param.shape],
      init: { spec: param.init },
      trainable: param.trainable ?? true,
      path: ['parameters', name],
    });
  }
}

/**
 * Resolves inits (fan from use) and warns about declared parameters nothing needs. While there
 * are errors, only parameters never named anywhere are reported (the rest may be cut off by them).
 */
function finishParameters(
  lowering: Lowering,
  nodes: Graph['nodes'],
  needed: ReadonlySet<string>,
  named: ReadonlySet<string> | null,
): GraphParameter[] {
  const settled = lowering.reporter.errorCount === 0;
  const uses = firstContractions(nodes);
  return lowering.params.flatMap((param) => {
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
      const fan = usageFan(param.name, param.shape, uses) ?? torchFan(param.shape);
      const result = resolveInit(param.init.spec, fan);
      if ('message' in result) {
        const path = param.init.spec === undefined ? param.path : [...param.path, 'init'];
        lowering.reporter.error('MS215', { path }, `parameter '${param.name}': ${result.message}`);
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
 * Lowers a schema-valid spec to the Graph IR, reporting every finding of the file in one pass.
 * The graph is null when any finding is an error.
 */
export function lowerSpec(located: LocatedSpec): {
  graph: Graph | null;
  diagnostics: Diagnostic[];
} {
  const { spec } = located;
  const lowering = new Lowering(located);
  const declared = declareNames(spec, lowering);
  const known: ReadonlySet<string> = new Set(declared.keys());
  const inputs = lowerInputs(spec, lowering);
  lowerParameters(spec, lowering);
  const entries = collectEntries(spec, lowering.reporter);
  for (const entry of orderEntries(entries, lowering.reporter)) {
    lowerEntry(lowering, entry, spec, known);
  }
  const loss = lowerLoss(spec, lowering, known);
  const outputs = resolveOutputs(spec, lowering, entries, declared);
  const { nodes, needed } = neededNodes(lowering, loss ? [...outputs, loss] : outputs);
  const parameters = finishParameters(lowering, nodes, needed, namedAnywhere(entries, spec));
  checkTrain(spec.train, parameters, lowering.reporter);
  const diagnostics = lowering.reporter.diagnostics;
  if (lowering.reporter.errorCount > 0) return { graph: null, diagnostics };
  const graph: Graph = {
    version: 1,
    name: spec.name,
    inputs,
    parameters,
    buffers: lowering.buffers.map(({ path, ...buffer }) => ({
      ...buffer,
      loc: lowering.loc({ path }),
    })),
    state: lowering.state,
    nodes,
    outputs,
    loss,
    train: spec.train ?? null,
  };
  return { graph, diagnostics };
}
