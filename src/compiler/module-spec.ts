import { checkAttr } from '../opdefs/attrs.js';
import { SPEC_OPS } from '../opdefs/index.js';
import type { AttrDef, AttrValue, ModuleKind, OpDef } from '../opdefs/types.js';
import type { InitSpec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import { type Env, evaluateText } from './env.js';

/**
 * What one module declaration (an entry of `modules:`, of a block's `modules:`, of a
 * `sequential:` or `layers:` stack) asks for, understood but not yet built:
 * - a built-in kind: an op with a `module` (`linear: 10`, `{conv2d: {out: 32, kernel: 3}}`);
 * - an instance of a user block (`{block: mlp}`, `{block: basic_block, args: {planes: 32}}`);
 * - `{repeat: N, block: NAME}`: N instances applied in order (torch's ModuleList in a loop);
 * - `{sequential: [entries]}`: children named 0, 1, ... as nn.Sequential.
 */
export type ModulePlan =
  | {
      kind: 'op';
      layer: LayerKind;
      /** Every argument of the kind, defaults filled in. */
      args: Record<string, AttrValue>;
      /** `init:` overrides by parameter name. */
      inits: Record<string, InitSpec>;
    }
  | { kind: 'block'; block: string; args: Record<string, unknown> }
  | { kind: 'repeat'; count: number; block: string; args: Record<string, unknown> }
  | { kind: 'sequential'; entries: unknown[] };

/** A problem with a declaration, and where in it (a key path below the declaration's node). */
export interface ModuleSpecIssue {
  code: string;
  message: string;
  at: (string | number)[];
}

/** A built-in module kind: its name, the op its node runs, and how it makes its state and attributes. */
export interface LayerKind {
  name: string;
  op: OpDef;
  module: ModuleKind;
}

/** Every built-in module kind the op definitions make, by name: the kinds of `modules` and stacks. */
export const LAYER_KINDS: ReadonlyMap<string, LayerKind> = new Map(
  SPEC_OPS.flatMap((op) =>
    [op.module ?? []].flat().map((module): [string, LayerKind] => {
      const name = module.name ?? op.name;
      return [name, { name, op, module }];
    }),
  ),
);

/** A kind's arguments: its module's own, or (for a kind without parameters) the op's. */
export function layerArgs(kind: LayerKind): readonly AttrDef[] {
  return kind.module.args ?? kind.op.attrs;
}

/** The argument a bare scalar stands for, if any (`main: null`: none, settings are a mapping). */
export function mainArg(kind: LayerKind): string | undefined {
  if (kind.module.main === null) return undefined;
  return kind.module.main ?? layerArgs(kind)[0]?.name;
}

const WRAPPERS = ['block', 'repeat', 'sequential'];

/** Every kind a declaration may name, for did-you-mean. */
export function moduleKinds(blocks: Iterable<string>): string[] {
  return [...LAYER_KINDS.keys(), ...WRAPPERS, ...blocks];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value written in YAML for an argument: dims and args may stand for numbers. */
function argValue(
  op: string,
  def: AttrDef,
  value: unknown,
  env: Env,
): { value: AttrValue } | { message: string } {
  let resolved: unknown = value;
  const numeric = def.type !== 'bool' && def.type !== 'choice';
  if (typeof value === 'string' && def.type === 'bool' && env.has(value)) resolved = env.get(value);
  else if (typeof value === 'string' && numeric && !def.choices?.includes(value)) {
    const evaluated = evaluateText(value, env, { integer: def.type !== 'float' });
    if ('message' in evaluated) return { message: `${op}: ${def.name}: ${evaluated.message}` };
    resolved = evaluated.value;
  } else if (typeof value === 'string' && def.type === 'choice' && env.has(value)) {
    resolved = env.get(value);
  } else if (Array.isArray(value) && (def.type === 'ints' || def.type === 'int_or_ints')) {
    const items: number[] = [];
    for (const item of value) {
      const evaluated =
        typeof item === 'string' ? evaluateText(item, env, { integer: true }) : { value: item };
      if ('message' in evaluated) return { message: `${op}: ${def.name}: ${evaluated.message}` };
      items.push(evaluated.value as number);
    }
    resolved = items;
  }
  // torch's "int or list" (nn.LayerNorm(64)): one integer for a list argument is a list of one.
  if (def.type === 'ints' && typeof resolved === 'number') resolved = [resolved];
  return checkAttr(op, def, resolved);
}

/**
 * Understands one declaration: `relu`, `linear: 10` (the kind's main argument), `{linear: {out:
 * 10, bias: false, init: {weight: {normal: {std: 0.02}}}}}`, `{block: NAME, args}`, `{repeat:
 * N, block: NAME}`, `{sequential: [...]}`. Numbers may be dims or expressions over them.
 */
export function planModule(
  entry: unknown,
  env: Env,
  blocks: ReadonlySet<string>,
): ModulePlan | ModuleSpecIssue {
  const issue = (message: string, at: (string | number)[] = [], code = 'MS214') => ({
    code,
    message,
    at,
  });
  if (typeof entry === 'string') return planKind(entry, null, env, blocks, issue);
  if (!isObject(entry)) {
    return issue(
      `a module is a kind name or a 'kind: arguments' mapping, got ${JSON.stringify(entry)}`,
    );
  }
  const keys = Object.keys(entry);
  if ('repeat' in entry || 'block' in entry) {
    const extra = keys.find((k) => !['repeat', 'block', 'args'].includes(k));
    if (extra !== undefined) {
      return issue(
        `'${extra}' does not go with ${'repeat' in entry ? 'repeat' : 'block'} (known: ${'repeat' in entry ? 'repeat, ' : ''}block, args)`,
        [extra],
      );
    }
    const block = entry.block;
    if (typeof block !== 'string')
      return issue("'block' names a block of the spec's `blocks`", ['block']);
    if (!blocks.has(block)) {
      return issue(
        `unknown block '${block}'${didYouMean(block, blocks)}${blocks.size ? ` (blocks: ${[...blocks].join(', ')})` : ' (the spec declares no blocks)'}`,
        ['block'],
        'MS217',
      );
    }
    const args = entry.args ?? {};
    if (!isObject(args)) return issue("'args' is a mapping of the block's arguments", ['args']);
    if (!('repeat' in entry)) return { kind: 'block', block, args };
    const count = evaluateText(entry.repeat as number | string, env, { integer: true });
    if ('message' in count) return issue(`repeat: ${count.message}`, ['repeat'], 'MS216');
    if (typeof count.value !== 'number' || count.value < 1) {
      return issue(
        `repeat needs a count of at least 1, got ${JSON.stringify(count.value)}`,
        ['repeat'],
        'MS221',
      );
    }
    return { kind: 'repeat', count: count.value, block, args };
  }
  if (keys.length !== 1) {
    return issue(
      `a module is one 'kind: arguments' pair, got ${keys.length ? keys.join(', ') : 'an empty mapping'}`,
    );
  }
  const [[name, value]] = Object.entries(entry);
  if (name === 'sequential') {
    if (!Array.isArray(value)) return issue('sequential takes a list of modules', ['sequential']);
    return { kind: 'sequential', entries: value };
  }
  return planKind(name, value, env, blocks, issue);
}

function planKind(
  name: string,
  value: unknown,
  env: Env,
  blocks: ReadonlySet<string>,
  issue: (message: string, at?: (string | number)[], code?: string) => ModuleSpecIssue,
): ModulePlan | ModuleSpecIssue {
  const kind = LAYER_KINDS.get(name);
  if (kind === undefined) {
    if (blocks.has(name)) return { kind: 'block', block: name, args: {} };
    const kinds = moduleKinds(blocks);
    return issue(
      `unknown module kind '${name}'${didYouMean(name, kinds)} (known: ${kinds.join(', ')})`,
      [],
      'MS217',
    );
  }
  const known = layerArgs(kind);
  let settings: Record<string, unknown>;
  // A scalar (`dropout: 0.1`) is the kind's main argument; its findings point at the scalar.
  let scalar = false;
  if (value === null || value === undefined) settings = {};
  else if (isObject(value)) settings = value;
  else {
    scalar = true;
    const main = mainArg(kind);
    if (main === undefined) {
      return issue(
        known.length === 0
          ? `${name} takes no settings, got ${JSON.stringify(value)}`
          : `${name} takes its settings as a mapping ({${known.map((a) => a.name).join(', ')}}), got ${JSON.stringify(value)}`,
        [name],
      );
    }
    settings = { [main]: value };
  }
  const args: Record<string, AttrValue> = {};
  let inits: Record<string, InitSpec> = {};
  for (const [key, v] of Object.entries(settings)) {
    if (key === 'init' && kind.module.params) {
      if (!isObject(v))
        return issue(
          `${name}: init maps parameter names to inits, e.g. {weight: {normal: {std: 0.02}}}`,
          [name, key],
        );
      inits = v as Record<string, InitSpec>;
      continue;
    }
    const arg = known.find((a) => a.name === key);
    if (!arg) {
      const names = known.map((a) => a.name);
      const hint =
        key === 'dim' && names.includes('axis') ? "; did you mean 'axis'?" : didYouMean(key, names);
      return issue(
        `${name} has no setting '${key}'${hint}${names.length ? ` (known: ${names.join(', ')})` : ''}`,
        [name, key],
      );
    }
    const checked = argValue(name, arg, v, env);
    if ('message' in checked) return issue(checked.message, scalar ? [name] : [name, key]);
    args[key] = checked.value;
  }
  for (const arg of known) {
    if (arg.name in args) continue;
    if (arg.default === undefined) {
      const required = known.filter((a) => a.default === undefined);
      const example = (a: AttrDef) => (a.type === 'int' ? 64 : a.type === 'int_or_ints' ? 3 : 1);
      const full = `'- ${name}: {${required.map((a) => `${a.name}: ${example(a)}`).join(', ')}}'`;
      const forms = required.length === 1 ? `'- ${name}: ${example(arg)}' or ${full}` : full;
      return issue(`${name} needs its ${arg.doc} (${arg.name}), e.g. ${forms}`, [name]);
    }
    args[arg.name] = arg.default;
  }
  return { kind: 'op', layer: kind, args, inits };
}
