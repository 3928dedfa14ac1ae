import { checkAttr } from '../opdefs/attrs.js';
import type { AttrDef, AttrValue, OpDef, RunContext } from '../opdefs/types.js';
import { asTensor, defaultRng } from '../tensor/create.js';
import { ValueError } from '../tensor/errors.js';
import { Rng } from '../tensor/rng.js';
import { suggest } from '../tensor/suggest.js';
import { Tensor } from '../tensor/tensor.js';
import { applyOp } from './apply.js';

export const camelCase = (name: string) =>
  name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function isOptions(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Tensor) &&
    !ArrayBuffer.isView(value)
  );
}

const isTensorLike = (value: unknown) =>
  value instanceof Tensor || typeof value === 'number' || Array.isArray(value);

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/** The Tensor API's spelling of an attribute (camelCase), for messages. */
const apiAttr = (def: AttrDef): AttrDef => ({ ...def, name: camelCase(def.name) });

/**
 * Reads a Tensor API call of `def`: tensor operands first and positional (a list for concat;
 * an optional operand may be null, also before one that is given), then attributes positionally in their documented order
 * (torch's forms: `x.sum(1, true)`, `x.transpose(0, 2)`, `x.permute(0, 2, 1)`) and/or in a
 * trailing options object with camelCase names. Every argument is used or refused: an unknown
 * option, a surplus argument or an attribute given twice is an error, never ignored.
 */
export function callOp(def: OpDef, args: readonly unknown[]): Tensor {
  const op = def.name;
  const rest = [...args];
  let operands: unknown[];
  if (def.listOperand) {
    const list = rest.shift();
    if (!Array.isArray(list) || list.length === 0 || !list.every(isTensorLike)) {
      throw new ValueError(`${op}: takes a non-empty list of tensors first, got ${describe(list)}`);
    }
    operands = list;
  } else {
    const required = def.operands.filter((o) => !o.optional);
    operands = [];
    for (const operand of def.operands) {
      const value = rest[0];
      if (operand.optional) {
        // null (or undefined) leaves an optional operand out; a later one may still be given.
        if (value === null || (value === undefined && rest.length > 0)) {
          rest.shift();
          operands.push(undefined);
          continue;
        }
        if (!(value instanceof Tensor || Array.isArray(value))) break;
      } else if (!isTensorLike(value)) {
        throw new ValueError(
          `${op}: takes ${required.length} tensor operand${required.length === 1 ? '' : 's'} (${required.map((o) => o.name).join(', ')}); operand '${operand.name}' got ${describe(value)}`,
        );
      }
      operands.push(rest.shift());
    }
    while (operands.length > 0 && operands[operands.length - 1] === undefined) operands.pop();
  }
  const options =
    rest.length > 0 && isOptions(rest[rest.length - 1])
      ? (rest.pop() as Record<string, unknown>)
      : {};
  let positional = rest;
  if (
    def.attrs[0]?.type === 'ints' &&
    positional.length > 0 &&
    positional.every((v) => typeof v === 'number')
  ) {
    positional = [positional];
  }
  if (positional.length > def.positional) {
    const named = def.attrs.slice(0, def.positional).map((a) => camelCase(a.name));
    const takes =
      def.positional === 0
        ? def.attrs.length === 0
          ? 'no attributes'
          : `its attributes in an options object ({ ${def.attrs.map((a) => camelCase(a.name)).join(', ')} })`
        : `at most ${def.positional} attribute${def.positional === 1 ? '' : 's'} (${named.join(', ')}) after its operands`;
    throw new ValueError(
      `${op}: takes ${takes}; argument ${args.length - rest.length + def.positional + 1} (${describe(positional[def.positional])}) would be ignored`,
    );
  }

  const given = new Map<string, unknown>();
  for (const [i, value] of positional.entries()) given.set(def.attrs[i].name, value);
  const contextKeys = def.uses ?? [];
  const context: RunContext = { training: def.trainingDefault ?? true, rng: defaultRng() };
  for (const [key, value] of Object.entries(options)) {
    if ((contextKeys as readonly string[]).includes(key)) {
      if (value === undefined) continue;
      if (key === 'training' && typeof value !== 'boolean') {
        throw new ValueError(`${op}: training must be true or false, got ${describe(value)}`);
      }
      if (key === 'rng' && !(value instanceof Rng)) {
        throw new ValueError(`${op}: rng must be an Rng, got ${describe(value)}`);
      }
      if (key === 'training') context.training = value as boolean;
      else context.rng = value as Rng;
      continue;
    }
    const attr = def.attrs.find((a) => camelCase(a.name) === key);
    if (attr === undefined) {
      const known = [...def.attrs.map((a) => camelCase(a.name)), ...contextKeys];
      const spelled = camelCase(key);
      const hint = known.includes(spelled)
        ? spelled
        : (suggest(spelled, known) ??
          (key === 'dim' && known.includes('axis') ? 'axis' : undefined));
      throw new ValueError(
        `${op}: unknown option '${key}'${hint ? `; did you mean '${hint}'?` : ''} (${known.length ? `known: ${known.join(', ')}` : 'it takes none'})`,
      );
    }
    if (value === undefined) continue;
    if (given.has(attr.name)) {
      throw new ValueError(
        `${op}: ${camelCase(attr.name)} is given twice (by position and by name)`,
      );
    }
    given.set(attr.name, value);
  }

  const attrs: Record<string, AttrValue> = {};
  for (const attr of def.attrs) {
    if (!given.has(attr.name)) {
      if (attr.default === undefined) {
        throw new ValueError(`${op}: needs the option '${camelCase(attr.name)}'`);
      }
      attrs[attr.name] = attr.default;
      continue;
    }
    const checked = checkAttr(op, apiAttr(attr), given.get(attr.name));
    if ('message' in checked) throw new ValueError(checked.message);
    attrs[attr.name] = checked.value;
  }

  const like = operands.find((o): o is Tensor => o instanceof Tensor);
  const tensors = operands.map((o) =>
    o === undefined ? undefined : asTensor(o as Tensor | number, like),
  );
  return applyOp(def, tensors, attrs, context);
}
