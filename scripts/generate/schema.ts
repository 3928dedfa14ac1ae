import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYER_KINDS, type LayerKind, layerArgs, mainArg } from '../../src/compiler/layers.js';
import { OP_DEFS } from '../../src/opdefs/index.js';
import type { AttrDef } from '../../src/opdefs/types.js';
import { trainSchemaDefs } from '../../src/optim/registry.js';

// The parts of schema/modelspec.schema.json that come from the op definitions: the layer kinds
// of `layers:` stacks with their arguments, and the op names an op object may spell; and from
// the optimizer registry: the optimizers' options and param groups. Each generated `$defs`
// entry is replaced in place, so the hand-written rest keeps its layout.

const MAX_INT = 2147483647;

/** A value to show for an attribute without a default. */
const EXAMPLE: Record<AttrDef['type'], (attr: AttrDef) => unknown> = {
  int: (attr) => Math.max(attr.min ?? 1, 64),
  float: (attr) => attr.min ?? 0.5,
  bool: () => true,
  ints: () => [-1, 64],
  choice: (attr) => attr.choices?.[0],
  int_or_ints: (attr) => Math.max(attr.min ?? 1, 2),
};

const integer = (attr: AttrDef) => ({
  type: 'integer',
  minimum: attr.min ?? -MAX_INT,
  maximum: attr.max ?? MAX_INT,
});

function attrSchema(attr: AttrDef): Record<string, unknown> {
  const base: Record<string, unknown> = {
    description: `${attr.doc[0].toUpperCase()}${attr.doc.slice(1)}.`,
  };
  switch (attr.type) {
    case 'int':
      Object.assign(base, integer(attr));
      break;
    case 'float':
      Object.assign(
        base,
        { type: 'number' },
        attr.min === undefined ? {} : { minimum: attr.min },
        attr.max === undefined ? {} : { maximum: attr.max },
      );
      break;
    case 'bool':
      base.type = 'boolean';
      break;
    case 'ints':
      Object.assign(base, { type: 'array', items: { type: 'integer' } });
      break;
    case 'choice':
      Object.assign(base, { type: 'string', enum: attr.choices });
      break;
    case 'int_or_ints':
      base.anyOf = [
        integer(attr),
        { type: 'array', items: integer(attr), minItems: attr.length, maxItems: attr.length },
        ...(attr.choices ? [{ type: 'string', enum: attr.choices }] : []),
        ...(attr.default === null ? [{ type: 'null' }] : []),
      ];
      break;
  }
  if (attr.default !== undefined && attr.default !== null) base.default = attr.default;
  if (attr.default === null && base.type !== undefined) base.type = [base.type, 'null'];
  base.examples = [attr.default ?? EXAMPLE[attr.type](attr)];
  return base;
}

/** The JSON types a main argument may be written as, instead of the argument mapping. */
const SCALAR: Record<AttrDef['type'], string[]> = {
  int: ['integer'],
  float: ['number'],
  bool: ['boolean'],
  ints: ['array'],
  choice: ['string'],
  int_or_ints: ['integer', 'array'],
};

const scalarTypes = (attr: AttrDef) =>
  attr.type === 'int_or_ints' && attr.choices
    ? [...SCALAR[attr.type], 'string']
    : SCALAR[attr.type];

/**
 * A layer argument: as an attribute, except that a list of integers may be one integer (torch's
 * "int or list", `layer_norm: 64`).
 */
function layerArgSchema(attr: AttrDef): Record<string, unknown> {
  const schema = attrSchema(attr);
  if (attr.type !== 'ints') return schema;
  return { ...schema, type: ['integer', 'array'], examples: [attr.default ?? 64] };
}

function layerSchema(kind: LayerKind): Record<string, unknown> {
  const args = layerArgs(kind);
  const def = kind.module.doc === undefined ? kind.op : { doc: kind.module.doc };
  const main = args.find((a) => a.name === mainArg(kind));
  const object: Record<string, unknown> = {
    type: ['object', 'null'],
    properties: Object.fromEntries(args.map((a) => [a.name, layerArgSchema(a)])),
    additionalProperties: false,
  };
  const required = args.filter((a) => a.default === undefined).map((a) => a.name);
  if (required.length > 0) {
    object.type = 'object';
    object.required = required;
  }
  const description = `${def.doc[0].toUpperCase()}${def.doc.slice(1)}${main ? `: ${main.name}, or {${args.map((a) => a.name).join(', ')}}` : args.length ? `: {${args.map((a) => a.name).join(', ')}}` : ' (no arguments)'}.`;
  const examples = main ? layerArgSchema(main).examples : [{}];
  if (!main) return { description, ...object, examples };
  const scalar = main.type === 'ints' ? ['integer', 'array'] : scalarTypes(main);
  return {
    description,
    examples,
    type: [...scalar, ...[object.type].flat()],
    if: { type: scalar.length === 1 ? scalar[0] : scalar },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else.
    then: layerArgSchema(main),
    else: object,
  };
}

export function layerDef(): Record<string, unknown> {
  const kinds = [...LAYER_KINDS.values()];
  const bare = kinds
    .filter((kind) => layerArgs(kind).every((a) => a.default !== undefined))
    .map((kind) => kind.name);
  return {
    description: `One stack entry: a bare name (${bare
      .slice(0, 3)
      .map((n) => `\`${n}\``)
      .join(
        ', ',
      )}, ...) or a one-key object with arguments (\`{linear: 64}\`). Generated from the op definitions.`,
    type: ['string', 'object'],
    if: { type: 'string' },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else.
    then: { type: 'string', enum: bare },
    else: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      properties: Object.fromEntries(kinds.map((kind) => [kind.name, layerSchema(kind)])),
      additionalProperties: false,
    },
    examples: ['relu', { linear: 64 }],
  };
}

/** The end (exclusive) of the JSON value starting at `start`, honouring strings. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unbalanced JSON');
}

/** `text` with the `$defs` entry `name` replaced by `value`, indented as its neighbours. */
function replaceDef(text: string, name: string, value: unknown): string {
  const key = `\n    "${name}": `;
  const at = text.indexOf(key, text.indexOf('"$defs"'));
  if (at < 0) throw new Error(`schema: no $defs entry '${name}'`);
  const start = at + key.length;
  const end = valueEnd(text, start);
  const rendered = JSON.stringify(value, null, 2).replace(/\n/g, '\n    ');
  return text.slice(0, start) + rendered + text.slice(end);
}

export function renderSchema(root: string): string {
  const text = readFileSync(join(root, 'schema/modelspec.schema.json'), 'utf8');
  const schema = JSON.parse(text);
  const opObject = { ...schema.$defs.opObject };
  opObject.properties = {
    ...opObject.properties,
    op: { ...opObject.properties.op, examples: OP_DEFS.map((d) => d.name) },
  };
  let generated = replaceDef(replaceDef(text, 'layer', layerDef()), 'opObject', opObject);
  // train.optimizer, each optimizer's options and param groups: from the optimizer registry.
  for (const [name, def] of Object.entries(trainSchemaDefs())) {
    generated = replaceDef(generated, name, def);
  }
  // Formatted as Biome formats the rest of the repository (npm run lint checks it).
  return execFileSync(
    join(root, 'node_modules/.bin/biome'),
    ['format', '--stdin-file-path=schema/modelspec.schema.json'],
    { input: generated, encoding: 'utf8' },
  );
}
