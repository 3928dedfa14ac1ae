import { ValueError } from '../tensor/errors.js';
import { didYouMean } from '../tensor/suggest.js';
import { ADADELTA_DEFINITION } from './adadelta.js';
import { ADAGRAD_DEFINITION } from './adagrad.js';
import { ADAM_DEFINITION, ADAMW_DEFINITION } from './adam.js';
import type { OptimizerDefinition } from './optimizer.js';
import { type OptionRule, snakeCase } from './options.js';
import { RMSPROP_DEFINITION } from './rmsprop.js';
import { SGD_DEFINITION } from './sgd.js';

/**
 * Every optimizer, by its spec name. The trainer builds optimizers from here, checkpoints
 * name their state tensors from here, and the spec's JSON Schema (train.optimizer) is written
 * from here (`npm run generate`; a test keeps it fresh).
 */
export const OPTIMIZERS: readonly OptimizerDefinition[] = [
  SGD_DEFINITION,
  ADAM_DEFINITION,
  ADAMW_DEFINITION,
  RMSPROP_DEFINITION,
  ADAGRAD_DEFINITION,
  ADADELTA_DEFINITION,
];

/** The definition of the optimizer named `name` in a spec (`adamw`), or a ValueError with a did-you-mean. */
export function optimizerDefinition(name: string): OptimizerDefinition {
  const found = OPTIMIZERS.find((d) => d.name === name);
  if (found) return found;
  const names = OPTIMIZERS.map((d) => d.name);
  throw new ValueError(
    `unknown optimizer '${name}'${didYouMean(name, names)} (known: ${names.join(', ')})`,
  );
}

/** A spec's (snake_case) options as the class's (camelCase) ones: weight_decay -> weightDecay. */
export function classOptions(
  definition: OptimizerDefinition,
  specOptions: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const bySnake = new Map(Object.keys(definition.options).map((key) => [snakeCase(key), key]));
  return Object.fromEntries(
    Object.entries(specOptions).map(([key, value]) => [bySnake.get(key) ?? key, value]),
  );
}

/** A spec's options with every default of torch written out, in torch's argument order. */
export function resolvedSpecOptions(
  definition: OptimizerDefinition,
  specOptions: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(definition.options)) {
    const name = snakeCase(key);
    const value = specOptions[name] ?? rule.default;
    if (value !== undefined) out[name] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

function optionSchema(rule: OptionRule): Record<string, unknown> {
  const bounds = (into: Record<string, unknown>) => {
    if (rule.min !== undefined) into.minimum = rule.min;
    if (rule.max !== undefined) into.maximum = rule.max;
    if (rule.below !== undefined) into.exclusiveMaximum = rule.below;
    return into;
  };
  const base: Record<string, unknown> = { description: rule.description };
  if (rule.type === 'boolean') Object.assign(base, { type: 'boolean' });
  else if (rule.type === 'number') Object.assign(base, bounds({ type: 'number' }));
  else {
    Object.assign(base, {
      type: 'array',
      items: bounds({ type: 'number' }),
      minItems: 2,
      maxItems: 2,
    });
  }
  if (rule.default !== undefined) base.default = rule.default;
  base.examples = [rule.example];
  return base;
}

/** The JSON Schema of one optimizer's options (snake_case, as a spec writes them). */
export function optimizerOptionsSchema(definition: OptimizerDefinition): Record<string, unknown> {
  const properties = Object.fromEntries(
    Object.entries(definition.options).map(([key, rule]) => [snakeCase(key), optionSchema(rule)]),
  );
  const example = Object.fromEntries(
    Object.entries(definition.options)
      .filter(([key]) => key === 'lr' || key === 'weightDecay' || key === 'momentum')
      .map(([key, rule]) => [snakeCase(key), rule.example]),
  );
  return {
    description: definition.description,
    type: 'object',
    properties,
    additionalProperties: false,
    examples: [example],
  };
}

/**
 * The parts of the spec's JSON Schema that come from this registry: `optimizer` (exactly one
 * of the optimizers), one definition per optimizer, and `paramGroup` (a group of
 * train.param_groups: its selector and any option of any optimizer, checked against the chosen
 * optimizer by the compiler). `npm run generate` writes them into the schema file.
 */
export function trainSchemaDefs(): Record<string, Record<string, unknown>> {
  const names = OPTIMIZERS.map((d) => d.name);
  const defs: Record<string, Record<string, unknown>> = {
    optimizer: {
      description: `The optimizer, one of ${names.join(', ')}, with torch.optim's arguments and update rule.`,
      type: 'object',
      properties: Object.fromEntries(names.map((name) => [name, { $ref: `#/$defs/${name}` }])),
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      examples: [{ adamw: { lr: 0.0006, betas: [0.9, 0.95], weight_decay: 0.1 } }],
    },
  };
  for (const definition of OPTIMIZERS) {
    const schema = optimizerOptionsSchema(definition);
    const required = Object.entries(definition.options)
      .filter(([, rule]) => rule.default === undefined)
      .map(([key]) => snakeCase(key));
    defs[definition.name] = required.length > 0 ? { ...schema, required } : schema;
  }
  const overrides: Record<string, unknown> = {};
  for (const definition of OPTIMIZERS) {
    for (const [key, rule] of Object.entries(definition.options)) {
      const name = snakeCase(key);
      if (name in overrides) continue;
      const { default: _, ...schema } = optionSchema(rule);
      overrides[name] = {
        ...schema,
        description: `This group's ${name}, instead of the optimizer's.`,
      };
    }
  }
  const glob = { type: 'string', minLength: 1 };
  defs.paramGroup = {
    description:
      'Parameters chosen by path globs (params) or by rank (ndim_below), with their own optimizer options. The first group that matches a parameter takes it; the rest form the default group.',
    type: 'object',
    properties: {
      params: {
        description:
          "A glob or a list of globs over parameter paths ('*' any characters, '?' one, '[abc]' one of).",
        anyOf: [glob, { type: 'array', items: glob, minItems: 1 }],
        examples: [['*.bias', 'ln_*']],
      },
      ndim_below: {
        description:
          'Takes the parameters with fewer dimensions than this (2: biases and norm weights).',
        type: 'integer',
        minimum: 1,
        examples: [2],
      },
      ...overrides,
    },
    additionalProperties: false,
    anyOf: ['params', 'ndim_below'].map((key) => ({
      type: 'object',
      properties: { [key]: true },
      required: [key],
    })),
    dependentSchemas: { params: { properties: { ndim_below: false } } },
    examples: [{ ndim_below: 2, weight_decay: 0 }],
  };
  return defs;
}
