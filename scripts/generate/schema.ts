import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYER_KINDS, type LayerKind, layerArgs, mainArg } from '../../src/compiler/module-spec.js';
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
  // Numbers may be written as dims or expressions over them (`4 * n_embd`).
  switch (attr.type) {
    case 'int':
      Object.assign(base, integer(attr), { type: ['integer', 'string'] });
      break;
    case 'float':
      Object.assign(base, { type: ['number', 'string'] });
      break;
    case 'bool':
      base.type = 'boolean';
      break;
    case 'ints':
      Object.assign(base, { type: 'array', items: { type: ['integer', 'string'] } });
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
  if (attr.default === null && base.type !== undefined) base.type = [base.type, 'null'].flat();
  base.examples = [attr.default ?? EXAMPLE[attr.type](attr)];
  return base;
}

/** The JSON types a main argument may be written as, instead of the argument mapping. */
const SCALAR: Record<AttrDef['type'], string[]> = {
  int: ['integer', 'string'],
  float: ['number', 'string'],
  bool: ['boolean'],
  ints: ['array'],
  choice: ['string'],
  int_or_ints: ['integer', 'array', 'string'],
};

/**
 * A layer argument: as an attribute, except that a list of integers may be one integer (torch's
 * "int or list", `layer_norm: 64`).
 */
function layerArgSchema(attr: AttrDef): Record<string, unknown> {
  const schema = attrSchema(attr);
  if (attr.type !== 'ints') return schema;
  return { ...schema, type: ['integer', 'array', 'string'], examples: [attr.default ?? 64] };
}

function layerSchema(kind: LayerKind): Record<string, unknown> {
  const args = layerArgs(kind);
  const def = kind.module.doc === undefined ? kind.op : { doc: kind.module.doc };
  const main = args.find((a) => a.name === mainArg(kind));
  const properties: Record<string, unknown> = Object.fromEntries(
    args.map((a) => [a.name, layerArgSchema(a)]),
  );
  if (kind.module.params) {
    properties.init = {
      description:
        "Inits of the module's parameters by name, over torch's defaults: {weight: {normal: {std: 0.02}}}.",
      type: 'object',
      additionalProperties: { $ref: '#/$defs/init' },
      examples: [{ weight: { normal: { std: 0.02 } } }],
    };
  }
  const object: Record<string, unknown> = {
    type: ['object', 'null'],
    properties,
    additionalProperties: false,
  };
  const required = args.filter((a) => a.default === undefined).map((a) => a.name);
  if (required.length > 0) {
    object.type = 'object';
    object.required = required;
  }
  const list = args.map((a) => a.name).join(', ');
  const description = `${def.doc[0].toUpperCase()}${def.doc.slice(1)}${main ? `: ${main.name}, or {${list}}` : args.length ? `: {${list}}` : ' (no arguments)'}.`;
  const examples = main ? layerArgSchema(main).examples : [{}];
  if (!main) return { description, ...object, examples };
  const scalar = layerArgSchema(main);
  const scalarTypes = main.type === 'ints' ? ['integer', 'array', 'string'] : SCALAR[main.type];
  return {
    description,
    examples,
    type: [...new Set([...scalarTypes, ...[object.type].flat()])],
    if: { type: 'object' },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else.
    then: object,
    else: scalar,
  };
}

/** One module declaration (and one stack entry): a built-in kind, a block instance, a repeat, a sequential. */
export function layerDef(): Record<string, unknown> {
  const kinds = [...LAYER_KINDS.values()];
  const bare = kinds
    .filter((kind) => layerArgs(kind).every((a) => a.default !== undefined))
    .map((kind) => kind.name);
  return {
    description:
      'One module: a kind with its arguments (`{linear: 64}`, `{conv2d: {out: 32, kernel: 3}}`, or a bare name such as `relu`), `{block: NAME, args}`, `{repeat: N, block: NAME}` or `{sequential: [...]}`. Generated from the op definitions.',
    type: ['string', 'object'],
    if: { type: 'string' },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else.
    then: { type: 'string', minLength: 1, examples: bare },
    else: {
      type: 'object',
      minProperties: 1,
      maxProperties: 3,
      properties: {
        ...Object.fromEntries(kinds.map((kind) => [kind.name, layerSchema(kind)])),
        block: {
          description: 'An instance of a block of the spec.',
          type: 'string',
          examples: ['mlp'],
        },
        args: {
          description: "The block's arguments for this instance.",
          type: 'object',
          examples: [{ planes: 32 }],
        },
        repeat: {
          description:
            'N instances of the block, children 0..N-1 applied in order (torch ModuleList).',
          type: ['integer', 'string'],
          examples: [4],
        },
        sequential: {
          description: 'Modules applied in order, children named 0, 1, ... (torch nn.Sequential).',
          type: 'array',
          items: { $ref: '#/$defs/layer' },
          examples: [[{ linear: 64 }, 'relu']],
        },
      },
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
