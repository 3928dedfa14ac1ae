import { didYouMean } from '../spec/suggest.js';
import type { LayerEntrySpec } from '../spec/types.js';
import { checkAttr } from './bind.js';
import type { AttrValue } from './graph.js';
import { findOp } from './op-catalog.js';

/** One `layers.stack` entry, understood. `index` is its place in the stack (nn.Sequential index). */
export type LayerPlan =
  | { kind: 'linear'; index: number; out: number; bias: boolean }
  | { kind: 'op'; index: number; op: string; attrs: Record<string, AttrValue> };

export const LAYER_KINDS = [
  'linear',
  'dropout',
  'flatten',
  'relu',
  'leaky_relu',
  'sigmoid',
  'tanh',
  'gelu',
  'softplus',
  'elu',
  'softmax',
  'log_softmax',
] as const;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function planLinear(index: number, value: unknown): LayerPlan | string {
  if (isPositiveInteger(value)) return { kind: 'linear', index, out: value, bias: true };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { out, bias = true, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) return `linear has no setting '${extra}' (known: out, bias)`;
    if (!isPositiveInteger(out))
      return `linear needs out: a positive integer, got ${JSON.stringify(out)}`;
    if (typeof bias !== 'boolean')
      return `linear bias must be true or false, got ${JSON.stringify(bias)}`;
    return { kind: 'linear', index, out, bias };
  }
  return `linear needs its out features, e.g. '- linear: 64' or '- linear: {out: 10, bias: false}', got ${JSON.stringify(value)}`;
}

/** `relu`, `dropout: 0.1` (first attribute), `leaky_relu: {negative_slope: 0.2}`, `flatten:` (defaults). */
function planOp(index: number, name: string, value: unknown): LayerPlan | string {
  const op = findOp(name)!;
  const given: Record<string, unknown> =
    value === null || value === undefined
      ? {}
      : typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : op.attrs.length > 0
          ? { [op.attrs[0].name]: value }
          : { '': value };
  const attrs: Record<string, AttrValue> = {};
  for (const [key, v] of Object.entries(given)) {
    const def = op.attrs.find((a) => a.name === key);
    if (!def) {
      return key === ''
        ? `${name} takes no settings, got ${JSON.stringify(value)}`
        : `${name} has no setting '${key}'${didYouMean(
            key,
            op.attrs.map((a) => a.name),
          )}`;
    }
    const checked = checkAttr(name, def, v);
    if ('message' in checked) return checked.message;
    attrs[key] = checked.value;
  }
  for (const def of op.attrs) {
    if (!(def.name in attrs)) attrs[def.name] = def.default ?? null;
  }
  return { kind: 'op', index, op: name, attrs };
}

/** Understands one stack entry, or says what is wrong with it. */
export function planLayer(index: number, entry: LayerEntrySpec): LayerPlan | string {
  let name: string;
  let value: unknown = null;
  if (typeof entry === 'string') name = entry;
  else if (entry !== null && typeof entry === 'object' && Object.keys(entry).length === 1) {
    [[name, value]] = Object.entries(entry);
  } else {
    return `a stack entry is a layer name or one 'name: settings' pair, got ${JSON.stringify(entry)}`;
  }
  if (!(LAYER_KINDS as readonly string[]).includes(name)) {
    return `unknown layer '${name}'${didYouMean(name, LAYER_KINDS)} (known: ${LAYER_KINDS.join(', ')})`;
  }
  return name === 'linear' ? planLinear(index, value) : planOp(index, name, value);
}
