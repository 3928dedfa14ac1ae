import type { AttrDef, AttrValue } from './types.js';

// Attribute constructors: `float(0.01, 'the slope for x < 0')` is an attribute with a default;
// `req` makes one without (required). Names are given by the key of the `attrs` record.

type Bounds = { min?: number; max?: number };

export const float = (
  value: number | null | undefined,
  doc: string,
  bounds: Bounds = {},
): Omit<AttrDef, 'name'> => ({ type: 'float', default: value, doc, ...bounds });

export const int = (
  value: number | null | undefined,
  doc: string,
  bounds: Bounds = {},
): Omit<AttrDef, 'name'> => ({ type: 'int', default: value, doc, ...bounds });

export const bool = (value: boolean | undefined, doc: string): Omit<AttrDef, 'name'> => ({
  type: 'bool',
  default: value,
  doc,
});

export const ints = (
  value: number[] | null | undefined,
  doc: string,
  options: { symbolic?: boolean } = {},
): Omit<AttrDef, 'name'> => ({ type: 'ints', default: value, doc, ...options });

/**
 * torch's "int or tuple": one integer for all `length` axes or a list of one per axis, and the
 * words of `choices` (`padding='same'`). Bounds hold for each integer.
 */
export const intOrInts = (
  value: number | number[] | string | null | undefined,
  doc: string,
  length: number,
  { choices, ...bounds }: Bounds & { choices?: readonly string[] } = {},
): Omit<AttrDef, 'name'> => ({
  type: 'int_or_ints',
  default: value,
  doc,
  length,
  ...bounds,
  ...(choices ? { choices } : {}),
});

/** The integers of an `int_or_ints` value that is not a word: one per axis. */
export function perAxis(value: number | readonly number[], length: number): number[] {
  return typeof value === 'number' ? new Array<number>(length).fill(value) : [...value];
}

export const choice = (
  choices: readonly string[],
  value: string | undefined,
  doc: string,
): Omit<AttrDef, 'name'> => ({ type: 'choice', choices, default: value, doc });

/** Attributes in positional order, from a record whose keys are their names. */
export function attrList(attrs: Record<string, Omit<AttrDef, 'name'>>): AttrDef[] {
  return Object.entries(attrs).map(([name, def]) => ({ name, ...def }));
}

/** What a value of each type is, in words, for messages. */
function typeWords(def: AttrDef): string {
  const words = (def.choices ?? []).map((c) => `'${c}'`).join(', ');
  switch (def.type) {
    case 'int':
      return 'an integer';
    case 'float':
      return 'a number';
    case 'bool':
      return 'true or false';
    case 'ints':
      return 'a list of integers';
    case 'choice':
      return `one of ${words}`;
    case 'int_or_ints':
      return `an integer or a list of ${def.length} integer${def.length === 1 ? '' : 's'}${words ? `, or one of ${words}` : ''}`;
  }
}

/** A size bound at run time: a symbol (`batch`) or a product of them (`4*batch`). */
const isSymbol = (v: unknown) =>
  typeof v === 'string' && /^(\d+\*)?[A-Za-z_][A-Za-z0-9_]*(\*[A-Za-z_][A-Za-z0-9_]*)*$/.test(v);

function describe(value: unknown): string {
  if (value === undefined) return 'an expression';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value) ?? String(value);
}

/**
 * Checks one attribute value against its definition (type, bounds, choices): the same check for
 * spec expressions, `layers:` entries and Tensor API options.
 */
export function checkAttr(
  opName: string,
  def: AttrDef,
  value: unknown,
): { value: AttrValue } | { message: string } {
  const expected = `${opName}: ${def.name} must be ${typeWords(def)}`;
  const size = (v: unknown) =>
    (typeof v === 'number' && Number.isInteger(v)) || (def.symbolic === true && isSymbol(v));
  const ok =
    (def.type === 'int' && size(value)) ||
    (def.type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
    (def.type === 'bool' && typeof value === 'boolean') ||
    (def.type === 'ints' && Array.isArray(value) && value.every(size)) ||
    (def.type === 'choice' && typeof value === 'string' && !!def.choices?.includes(value)) ||
    (def.type === 'int_or_ints' &&
      (Number.isInteger(value) ||
        (Array.isArray(value) && value.length === def.length && value.every(Number.isInteger)) ||
        (typeof value === 'string' && !!def.choices?.includes(value)))) ||
    (value === null && def.default === null);
  if (!ok) return { message: `${expected}, got ${describe(value)}` };
  const numbers = def.type === 'int_or_ints' && Array.isArray(value) ? value : [value];
  const outside = numbers.find(
    (n) =>
      typeof n === 'number' &&
      ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)),
  );
  if (outside !== undefined) {
    const range =
      def.max === undefined
        ? `at least ${def.min}`
        : def.min === undefined
          ? `at most ${def.max}`
          : `between ${def.min} and ${def.max}`;
    const each = numbers.length > 1 ? ' each' : '';
    return { message: `${opName}: ${def.name} must be ${range}${each}, got ${describe(value)}` };
  }
  return { value: value as AttrValue };
}
