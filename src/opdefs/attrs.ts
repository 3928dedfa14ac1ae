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

export const ints = (value: number[] | null | undefined, doc: string): Omit<AttrDef, 'name'> => ({
  type: 'ints',
  default: value,
  doc,
});

export const choice = (
  choices: readonly string[],
  value: string | undefined,
  doc: string,
): Omit<AttrDef, 'name'> => ({ type: 'choice', choices, default: value, doc });

/** Attributes in positional order, from a record whose keys are their names. */
export function attrList(attrs: Record<string, Omit<AttrDef, 'name'>>): AttrDef[] {
  return Object.entries(attrs).map(([name, def]) => ({ name, ...def }));
}

const TYPE_WORDS: Record<AttrDef['type'], string> = {
  int: 'an integer',
  float: 'a number',
  bool: 'true or false',
  ints: 'a list of integers',
  choice: 'one of',
};

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
  const words =
    def.type === 'choice'
      ? `one of ${(def.choices ?? []).map((c) => `'${c}'`).join(', ')}`
      : TYPE_WORDS[def.type];
  const expected = `${opName}: ${def.name} must be ${words}`;
  const ok =
    (def.type === 'int' && typeof value === 'number' && Number.isInteger(value)) ||
    (def.type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
    (def.type === 'bool' && typeof value === 'boolean') ||
    (def.type === 'ints' && Array.isArray(value) && value.every(Number.isInteger)) ||
    (def.type === 'choice' && typeof value === 'string' && !!def.choices?.includes(value)) ||
    (value === null && def.default === null);
  if (!ok) return { message: `${expected}, got ${describe(value)}` };
  if (
    typeof value === 'number' &&
    ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))
  ) {
    const range =
      def.max === undefined
        ? `at least ${def.min}`
        : def.min === undefined
          ? `at most ${def.max}`
          : `between ${def.min} and ${def.max}`;
    return { message: `${opName}: ${def.name} must be ${range}, got ${value}` };
  }
  return { value: value as AttrValue };
}
