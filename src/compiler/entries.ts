import type { SpecPath } from '../spec/located.js';
import type { GraphEntrySpec, LayersSpec, OpObjectSpec } from '../spec/types.js';
import type { Expr, Span } from './expr/ast.js';
import { parseExpression } from './expr/parse.js';
import { referencedNames } from './names.js';
import type { Reporter, Site } from './report.js';

/** Something that defines a graph value: a `graph` entry or the `layers` stack (named by `to`). */
export type Entry = { name: string; path: SpecPath; deps: { name: string; site: Site }[] } & (
  | { kind: 'expr'; expr: Expr }
  | { kind: 'number'; value: number }
  | { kind: 'object'; spec: OpObjectSpec }
  | { kind: 'layers' }
  | { kind: 'broken' }
);

/** The names a call refers to as a callee (a module, or an op) in an expression. */
function callees(expr: Expr, into: string[] = []): string[] {
  switch (expr.kind) {
    case 'call':
      into.push(expr.callee);
      for (const arg of [...expr.args, ...expr.keywords.map((k) => k.value)]) callees(arg, into);
      break;
    case 'list':
      for (const item of expr.items) callees(item, into);
      break;
    case 'binary':
      callees(expr.left, into);
      callees(expr.right, into);
      break;
    case 'neg':
    case 'transpose':
      callees(expr.operand, into);
      break;
  }
  return into;
}

/**
 * Parses a graph's expressions and lists what each entry refers to (syntax errors: MS201).
 * `graphPath` is where the graph is in the spec (`graph`, or a block's). A dotted reference to a
 * module's parameter (`wte.weight`) depends on the entries that call the module, since calling
 * it is what makes the parameter.
 */
export function collectEntries(
  graph: Readonly<Record<string, GraphEntrySpec>>,
  graphPath: SpecPath,
  layers: LayersSpec | undefined,
  modules: ReadonlySet<string>,
  reporter: Reporter,
): Entry[] {
  const entries: Entry[] = [];
  const calls = new Map<string, string[]>();
  for (const [name, value] of Object.entries(graph)) {
    const path = [...graphPath, name];
    if (typeof value === 'number') {
      entries.push({ name, path, deps: [], kind: 'number', value });
    } else if (typeof value === 'string') {
      const parsed = parseExpression(value);
      if (!parsed.ok) {
        reporter.error('MS201', { path, span: parsed.error }, parsed.error.message);
        entries.push({ name, path, deps: [], kind: 'broken' });
        continue;
      }
      const deps = referencedNames(parsed.expr).map((ref) => ({
        name: ref.name,
        site: { path, span: ref as Span },
      }));
      for (const callee of callees(parsed.expr)) {
        if (modules.has(callee)) calls.set(callee, [...(calls.get(callee) ?? []), name]);
      }
      entries.push({ name, path, deps, kind: 'expr', expr: parsed.expr });
    } else {
      const deps = (value.inputs ?? []).flatMap((input, i) =>
        typeof input === 'string' ? [{ name: input, site: { path: [...path, 'inputs', i] } }] : [],
      );
      entries.push({ name, path, deps, kind: 'object', spec: value });
    }
  }
  if (layers) {
    const site = { path: ['layers', 'from'] };
    entries.push({
      name: layers.to,
      path: ['layers'],
      deps: [{ name: layers.from, site }],
      kind: 'layers',
    });
  }
  for (const entry of entries) {
    const moduleDeps = entry.deps.flatMap((dep) => {
      const owner = dep.name.includes('.') ? dep.name.slice(0, dep.name.indexOf('.')) : '';
      return (calls.get(owner) ?? [])
        .filter((caller) => caller !== entry.name)
        .map((caller) => ({ name: caller, site: dep.site }));
    });
    entry.deps.push(...moduleDeps);
  }
  return entries;
}

/**
 * Entries in dependency order (depth first, spec order among independents). Each cycle is
 * reported once (MS204) at the reference that closes it; its members are left out of the order.
 */
export function orderEntries(entries: readonly Entry[], reporter: Reporter): Entry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const state = new Map<string, 'visiting' | 'done'>();
  const inCycle = new Set<string>();
  const order: Entry[] = [];
  // An explicit stack instead of recursion: a long chain of entries must not overflow.
  const stack: { entry: Entry; next: number }[] = [];
  const enter = (entry: Entry) => {
    state.set(entry.name, 'visiting');
    stack.push({ entry, next: 0 });
  };
  for (const root of entries) {
    if (state.has(root.name)) continue;
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const dep = frame.entry.deps[frame.next];
      if (dep === undefined) {
        stack.pop();
        state.set(frame.entry.name, 'done');
        order.push(frame.entry);
        continue;
      }
      frame.next += 1;
      const target = byName.get(dep.name);
      if (!target) continue;
      if (state.get(target.name) === 'visiting') {
        const loop = stack.slice(stack.findIndex((f) => f.entry === target)).map((f) => f.entry);
        const [first] = loop;
        const second = loop[1] ?? first;
        const closing = first.deps.find((d) => d.name === second.name)?.site ?? dep.site;
        reporter.error(
          'MS204',
          closing,
          `cycle in graph: ${[...loop, first].map((e) => e.name).join(' -> ')}`,
        );
        for (const member of loop) inCycle.add(member.name);
      } else if (!state.has(target.name)) {
        enter(target);
      }
    }
  }
  return order.filter((e) => !inCycle.has(e.name));
}
