import { checkAttr } from '../opdefs/attrs.js';
import { SPEC_OPS } from '../opdefs/index.js';
import type { AttrDef, OpDef } from '../opdefs/types.js';
import type { LayerEntrySpec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import type { AttrValue } from './graph.js';

/** Every op that makes a layer kind, by name: the kinds of `layers:` stacks. */
export const LAYER_KINDS: ReadonlyMap<string, OpDef> = new Map(
  SPEC_OPS.filter((def) => def.module !== undefined).map((def) => [def.name, def]),
);

/** A layer kind's arguments: its module's own, or (for a kind without parameters) the op's. */
export function layerArgs(def: OpDef): readonly AttrDef[] {
  return def.module?.args ?? def.attrs;
}

/** One `layers.stack` entry, understood. `index` is its place in the stack (nn.Sequential index). */
export interface LayerPlan {
  index: number;
  op: OpDef;
  /** Every argument of the kind, defaults filled in. */
  args: Record<string, AttrValue>;
}

function asSettings(def: OpDef, value: unknown): Record<string, unknown> | string {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const args = layerArgs(def);
  const main = def.module?.main ?? args[0]?.name;
  if (main === undefined) return `${def.name} takes no settings, got ${JSON.stringify(value)}`;
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
  const def = LAYER_KINDS.get(name);
  if (def === undefined) {
    const kinds = [...LAYER_KINDS.keys()];
    return `unknown layer '${name}'${didYouMean(name, kinds)} (known: ${kinds.join(', ')})`;
  }
  const settings = asSettings(def, value);
  if (typeof settings === 'string') return settings;
  const known = layerArgs(def);
  const args: Record<string, AttrValue> = {};
  for (const [key, v] of Object.entries(settings)) {
    const arg = known.find((a) => a.name === key);
    if (!arg) {
      const names = known.map((a) => a.name);
      const hint =
        key === 'dim' && names.includes('axis') ? "; did you mean 'axis'?" : didYouMean(key, names);
      return `${name} has no setting '${key}'${hint}${names.length ? ` (known: ${names.join(', ')})` : ''}`;
    }
    const checked = checkAttr(name, arg, v);
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
  return { index, op: def, args };
}
