import { checkAttr } from '../opdefs/attrs.js';
import { SPEC_OPS } from '../opdefs/index.js';
import type { AttrDef, ModuleKind, OpDef } from '../opdefs/types.js';
import type { LayerEntrySpec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import type { AttrValue } from './graph.js';

/** A layer kind: its name, the op its node runs, and how it makes its state and attributes. */
export interface LayerKind {
  name: string;
  op: OpDef;
  module: ModuleKind;
}

/** Every layer kind the op definitions make, by name: the kinds of `layers:` stacks. */
export const LAYER_KINDS: ReadonlyMap<string, LayerKind> = new Map(
  SPEC_OPS.flatMap((op) =>
    [op.module ?? []].flat().map((module): [string, LayerKind] => {
      const name = module.name ?? op.name;
      return [name, { name, op, module }];
    }),
  ),
);

/** A layer kind's arguments: its module's own, or (for a kind without parameters) the op's. */
export function layerArgs(kind: LayerKind): readonly AttrDef[] {
  return kind.module.args ?? kind.op.attrs;
}

/** The argument a bare scalar stands for, if any. */
export function mainArg(kind: LayerKind): string | undefined {
  if (kind.module.main === null) return undefined;
  return kind.module.main ?? layerArgs(kind)[0]?.name;
}

/** One `layers.stack` entry, understood. `index` is its place in the stack (nn.Sequential index). */
export interface LayerPlan {
  index: number;
  kind: LayerKind;
  op: OpDef;
  /** Every argument of the kind, defaults filled in. */
  args: Record<string, AttrValue>;
}

function asSettings(kind: LayerKind, value: unknown): Record<string, unknown> | string {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const args = layerArgs(kind);
  const main = mainArg(kind);
  if (main === undefined) {
    return args.length === 0
      ? `${kind.name} takes no settings, got ${JSON.stringify(value)}`
      : `${kind.name} takes its settings as a mapping ({${args.map((a) => a.name).join(', ')}}), got ${JSON.stringify(value)}`;
  }
  return { [main]: value };
}

/**
 * Understands one stack entry, or says what is wrong with it: `relu`, `dropout: 0.1` (the
 * kind's main argument), `linear: {out: 10, bias: false}`, `flatten:` (defaults).
 */
export function planLayer(index: number, entry: LayerEntrySpec): LayerPlan | string {
  let name: string;
  let value: unknown = null;
  if (typeof entry === 'string') name = entry;
  else if (entry !== null && typeof entry === 'object' && Object.keys(entry).length === 1) {
    [[name, value]] = Object.entries(entry);
  } else {
    return `a stack entry is a layer name or one 'name: settings' pair, got ${JSON.stringify(entry)}`;
  }
  const kind = LAYER_KINDS.get(name);
  if (kind === undefined) {
    const kinds = [...LAYER_KINDS.keys()];
    return `unknown layer '${name}'${didYouMean(name, kinds)} (known: ${kinds.join(', ')})`;
  }
  const settings = asSettings(kind, value);
  if (typeof settings === 'string') return settings;
  const known = layerArgs(kind);
  const args: Record<string, AttrValue> = {};
  for (const [key, v] of Object.entries(settings)) {
    const arg = known.find((a) => a.name === key);
    if (!arg) {
      const names = known.map((a) => a.name);
      const hint =
        key === 'dim' && names.includes('axis') ? "; did you mean 'axis'?" : didYouMean(key, names);
      return `${name} has no setting '${key}'${hint}${names.length ? ` (known: ${names.join(', ')})` : ''}`;
    }
    // torch's "int or list" (nn.LayerNorm(64)): one integer for a list argument is a list of one.
    const checked = checkAttr(name, arg, arg.type === 'ints' && typeof v === 'number' ? [v] : v);
    if ('message' in checked) return checked.message;
    args[key] = checked.value;
  }
  for (const arg of known) {
    if (arg.name in args) continue;
    if (arg.default === undefined) {
      const required = known.filter((a) => a.default === undefined);
      const example = (a: AttrDef) => (a.type === 'int' ? 64 : a.type === 'int_or_ints' ? 3 : 1);
      const full = `'- ${name}: {${required.map((a) => `${a.name}: ${example(a)}`).join(', ')}}'`;
      const forms = required.length === 1 ? `'- ${name}: ${example(arg)}' or ${full}` : full;
      return `${name} needs its ${arg.doc} (${arg.name}), e.g. ${forms}`;
    }
    args[arg.name] = arg.default;
  }
  return { index, kind, op: kind.op, args };
}
