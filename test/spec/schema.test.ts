import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { schemaErrors, specSchema } from '../../src/spec/schema.js';

type SchemaObject = Record<string, unknown>;

const schema = specSchema();
const defs = schema.$defs as Record<string, SchemaObject>;

function resolve(node: unknown): SchemaObject {
  let current = node as SchemaObject;
  while (typeof current.$ref === 'string') current = defs[current.$ref.replace('#/$defs/', '')];
  return current;
}

/** Every `properties` entry anywhere in the schema, with a readable place. */
function allProperties(): [string, SchemaObject][] {
  const found: [string, SchemaObject][] = [];
  const walk = (node: unknown, place: string): void => {
    if (node === null || typeof node !== 'object') return;
    const properties = (node as SchemaObject).properties as Record<string, unknown> | undefined;
    for (const [name, sub] of Object.entries(properties ?? {})) {
      if (typeof sub === 'object') found.push([`${place}.${name}`, sub as SchemaObject]);
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${place}/${key}`);
  };
  walk(schema, '#');
  return found;
}

describe('schema/modelspec.schema.json', () => {
  it('accepts the example specs', () => {
    const iris = parseYaml(readFileSync(new URL('../../specs/iris.yaml', import.meta.url), 'utf8'));
    expect(schemaErrors(iris)).toEqual([]);
  });

  it('gives every property a description and an example', () => {
    const properties = allProperties();
    expect(properties.length).toBeGreaterThan(60);
    const lacking = properties
      .filter(([, sub]) => sub !== undefined && Object.keys(sub).length > 0)
      .filter(([, sub]) => {
        const own = sub as SchemaObject;
        const target = resolve(own);
        const description = own.description ?? target.description;
        const examples = own.examples ?? target.examples;
        return typeof description !== 'string' || !Array.isArray(examples) || examples.length === 0;
      })
      .map(([place]) => place)
      .filter((place) => !place.includes('/dependentSchemas/') && !place.includes('/anyOf/'));
    expect(lacking).toEqual([]);
  });

  it('closes every object that has named fields', () => {
    const open = Object.entries(defs)
      .filter(([, def]) => def.properties !== undefined && def.additionalProperties !== false)
      .map(([name]) => name);
    expect(open).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
  });
});

/** The interfaces of src/spec/types.ts and the schema objects they mirror. */
const MIRRORS: Record<string, SchemaObject> = {
  Spec: schema,
  InputSpec: defs.input,
  ParameterSpec: defs.parameter,
  OpObjectSpec: defs.opObject,
  LayersSpec: defs.layers,
  DataSpec: defs.data,
  IdxSpec: defs.idxFiles,
  TestDataSpec: defs.testData,
  SgdSpec: defs.sgd,
  AdamSpec: defs.adam,
  RmspropSpec: defs.rmsprop,
  AdagradSpec: defs.adagrad,
  AdadeltaSpec: defs.adadelta,
  OptimizerSpec: defs.optimizer,
  ParamGroupSpec: defs.paramGroup,
  ScheduleSpec: defs.schedule,
  EarlyStoppingSpec: defs.earlyStopping,
  TrainSpec: defs.train,
};

interface Member {
  optional: boolean;
  type: ts.TypeNode | undefined;
}

function members(node: ts.InterfaceDeclaration | ts.TypeLiteralNode): Map<string, Member> {
  const out = new Map<string, Member>();
  for (const member of node.members) {
    if (ts.isPropertySignature(member) && ts.isIdentifier(member.name)) {
      out.set(member.name.text, {
        optional: member.questionToken !== undefined,
        type: member.type,
      });
    }
  }
  return out;
}

/** Differences between a TS object type and a schema object, as readable lines. */
function compare(
  place: string,
  node: ts.InterfaceDeclaration | ts.TypeLiteralNode,
  target: SchemaObject,
): string[] {
  const resolved = resolve(target);
  const tsMembers = members(node);
  const schemaProps = (resolved.properties ?? {}) as Record<string, SchemaObject>;
  const required = new Set((resolved.required ?? []) as string[]);
  const problems: string[] = [];
  const names = new Set([...tsMembers.keys(), ...Object.keys(schemaProps)]);
  for (const name of names) {
    const member = tsMembers.get(name);
    if (!member) problems.push(`${place}.${name}: in the schema, not in types.ts`);
    else if (!(name in schemaProps))
      problems.push(`${place}.${name}: in types.ts, not in the schema`);
    else if (member.optional === required.has(name)) {
      problems.push(`${place}.${name}: optional in one, required in the other`);
    } else if (member.type && ts.isTypeLiteralNode(member.type)) {
      problems.push(...compare(`${place}.${name}`, member.type, schemaProps[name]));
    }
  }
  return problems;
}

function literalUnion(file: ts.SourceFile, name: string): string[] {
  const alias = file.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name,
  );
  const type = alias?.type;
  if (!type || !ts.isUnionTypeNode(type)) return [];
  return type.types
    .filter((t): t is ts.LiteralTypeNode => ts.isLiteralTypeNode(t))
    .map((t) => (t.literal as ts.StringLiteral).text);
}

describe('src/spec/types.ts mirrors the schema', () => {
  const path = new URL('../../src/spec/types.ts', import.meta.url);
  const file = ts.createSourceFile('types.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022);
  const interfaces = new Map(
    file.statements.filter(ts.isInterfaceDeclaration).map((node) => [node.name.text, node]),
  );

  it('has the same fields, optional in the same places', () => {
    const problems = Object.entries(MIRRORS).flatMap(([name, target]) => {
      const node = interfaces.get(name);
      return node ? compare(name, node, target) : [`${name}: missing from types.ts`];
    });
    expect(problems).toEqual([]);
  });

  it('has the same dtype names', () => {
    const dtype = (defs.input.properties as Record<string, SchemaObject>).dtype;
    expect(literalUnion(file, 'DTypeName')).toEqual(dtype.enum);
  });
});
