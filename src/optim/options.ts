import { ValueError } from '../tensor/errors.js';
import { didYouMean } from '../tensor/suggest.js';

/** A value an optimizer option can hold: a number, a flag, or a pair such as Adam's betas. */
export type OptionValue = number | boolean | readonly [number, number];

/**
 * One argument of a torch.optim class, in camelCase: its type, torch's default and bounds, and
 * the words of torch's error message. The registry builds the spec's JSON Schema from these.
 */
export interface OptionRule {
  type: 'number' | 'boolean' | 'pair';
  /** torch's default; absent when the argument has none (SGD's lr). */
  default?: OptionValue;
  /** Inclusive lower bound (of each element of a pair). */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound (Adam's betas: [0, 1)). */
  below?: number;
  /** torch's name for the value in `Invalid <words>: <value>` ("learning rate", "epsilon value"). */
  words?: string;
  description: string;
  example: OptionValue;
}

export type OptionRules = Readonly<Record<string, OptionRule>>;

/** weightDecay -> weight_decay: the spec's (and torch's) spelling of a camelCase option. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** momentumBuffer -> "momentum buffer", for messages. */
export function words(name: string): string {
  return name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

function show(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/**
 * Refuses keys that are not options (with a did-you-mean), values of the wrong type and values
 * out of torch's bounds, with torch's messages (`Invalid learning rate: -1`); `where` names the
 * place (` (parameter group 1)`). Keys listed in `extra` are allowed and not checked.
 */
export function checkOptions(
  owner: string,
  rules: OptionRules,
  options: Record<string, unknown>,
  where = '',
  extra: readonly string[] = [],
): void {
  checkKeys(owner, [...Object.keys(rules), ...extra], options, where);
  for (const [key, value] of Object.entries(options)) {
    const rule = rules[key];
    if (rule === undefined || value === undefined) continue;
    checkValue(owner, key, rule, value, where);
  }
}

/** Refuses an options object with a key not in `known`, suggesting the nearest one. */
export function checkKeys(
  owner: string,
  known: readonly string[],
  options: object,
  where = '',
): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${owner}: options must be an object, got ${show(options)}${where}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        `${owner}: unknown option '${key}'${didYouMean(key, known)} (known: ${known.join(', ')})${where}`,
      );
    }
  }
}

function checkValue(
  owner: string,
  key: string,
  rule: OptionRule,
  value: unknown,
  where: string,
): void {
  if (rule.type === 'boolean') {
    if (typeof value !== 'boolean') {
      throw new ValueError(
        `${owner}: option '${key}' must be true or false, got ${show(value)}${where}`,
      );
    }
    return;
  }
  if (rule.type === 'pair') {
    if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number')) {
      throw new ValueError(
        `${owner}: option '${key}' must be a pair of numbers [a, b], got ${show(value)}${where}`,
      );
    }
    value.forEach((v, i) => {
      if (!inBounds(rule, v)) {
        throw new ValueError(`Invalid ${rule.words ?? key} at index ${i}: ${v}${where}`);
      }
    });
    return;
  }
  if (typeof value !== 'number') {
    throw new ValueError(`${owner}: option '${key}' must be a number, got ${show(value)}${where}`);
  }
  if (!inBounds(rule, value))
    throw new ValueError(`Invalid ${rule.words ?? key}: ${value}${where}`);
}

function inBounds(rule: OptionRule, v: number): boolean {
  if (Number.isNaN(v)) return false;
  if (rule.min !== undefined && !(v >= rule.min)) return false;
  if (rule.max !== undefined && !(v <= rule.max)) return false;
  if (rule.below !== undefined && !(v < rule.below)) return false;
  return true;
}

/** The options' defaults (those that have one), in the rules' order. */
export function defaultsOf(rules: OptionRules): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const [key, rule] of Object.entries(rules)) {
    if (rule.default !== undefined) out[key] = rule.default;
  }
  return out;
}

/** The arguments most torch optimizers share, with their defaults given per optimizer. */
export function lrRule(defaultValue?: number): OptionRule {
  return {
    type: 'number',
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    min: 0,
    words: 'learning rate',
    description: 'Learning rate.',
    example: defaultValue ?? 0.1,
  };
}

export function epsRule(defaultValue: number, description: string): OptionRule {
  return {
    type: 'number',
    default: defaultValue,
    min: 0,
    words: 'epsilon value',
    description,
    example: defaultValue,
  };
}

export function weightDecayRule(defaultValue: number, description: string): OptionRule {
  return {
    type: 'number',
    default: defaultValue,
    min: 0,
    words: 'weightDecay value',
    description,
    example: defaultValue === 0 ? 0.0001 : defaultValue,
  };
}

export const MAXIMIZE_RULE: OptionRule = {
  type: 'boolean',
  default: false,
  description: 'Maximise the objective instead of minimising it (the gradient is negated first).',
  example: false,
};
