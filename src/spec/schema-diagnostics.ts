import type { ErrorObject } from 'ajv';
import { didYouMean, suggest } from '../tensor/suggest.js';
import { Codes } from './codes.js';
import { describePath, describeValue, listWords, yamlFlow } from './describe.js';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
import type { DocumentLocator } from './locate.js';
import type { SpecPath } from './located.js';
import { specSchema } from './schema.js';

type SchemaObject = Record<string, unknown>;

const NAME_PATTERN = '^[a-z0-9_-]+$';
const NODE_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

/** What the keys of a one-key mapping are called in messages, by the mapping's own key. */
const KEY_NOUNS: Record<string, string> = {
  init: 'init',
  optimizer: 'optimizer',
  schedule: 'schedule',
};

/** What the keys of a mapping of names are, by the mapping's own key. */
const NAME_NOUNS: Record<string, string> = {
  inputs: 'input name',
  parameters: 'parameter name',
  graph: 'graph node name',
  bind: 'input name',
};

interface Finding {
  code: string;
  path: SpecPath;
  where: SourceLocation;
  message: string;
}

/** `/inputs/x/shape/0` as path segments; indices of lists become numbers. */
function toPath(pointer: string, data: unknown): SpecPath {
  const path: (string | number)[] = [];
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const index = Array.isArray(value) ? Number(segment) : Number.NaN;
    path.push(Number.isInteger(index) ? index : segment);
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[segment]
        : undefined;
  }
  return path;
}

function resolve(schema: unknown): SchemaObject {
  let current = schema as SchemaObject;
  while (typeof current?.$ref === 'string' && current.$ref.startsWith('#/$defs/')) {
    const defs = specSchema().$defs as Record<string, SchemaObject>;
    current = defs[current.$ref.slice('#/$defs/'.length)];
  }
  return current ?? {};
}

function propertySchemas(parentSchema: unknown): Record<string, unknown> {
  return (resolve(parentSchema).properties as Record<string, unknown> | undefined) ?? {};
}

function exampleHint(field: string, parentSchema: unknown): string {
  const examples = resolve(propertySchemas(parentSchema)[field]).examples;
  return Array.isArray(examples) ? ` (for example ${field}: ${yamlFlow(examples[0])})` : '';
}

function lastKey(path: SpecPath): string | undefined {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : undefined;
}

function inLayerStack(path: SpecPath): boolean {
  return path.length === 3 && path[0] === 'layers' && path[1] === 'stack';
}

function rangeMessage(where: string, error: ErrorObject): string {
  const { limit } = error.params as { limit: number };
  const words: Record<string, string> = {
    minimum: 'at least',
    maximum: 'at most',
    exclusiveMinimum: 'greater than',
    exclusiveMaximum: 'less than',
  };
  return `${where} must be ${words[error.keyword]} ${limit}, found ${describeValue(error.data)}`;
}

function typeMessage(where: string, path: SpecPath, error: ErrorObject): string {
  const expected = ([] as string[]).concat((error.params as { type: string | string[] }).type);
  const words = expected.map((t) => TYPE_WORDS[t] ?? t);
  const dim = path.includes('shape') && expected.includes('string');
  const wanted = dim
    ? "a positive whole number or a symbol like 'batch'"
    : words.length > 1
      ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`
      : words[0];
  const numeric =
    typeof error.data === 'string' &&
    error.data.trim() !== '' &&
    !Number.isNaN(Number(error.data)) &&
    expected.some((t) => t === 'number' || t === 'integer');
  const hint = numeric ? ' (write numbers without quotes)' : '';
  return `${where} must be ${wanted}, found ${describeValue(error.data)}${hint}`;
}

function enumMessage(where: string, error: ErrorObject): string {
  const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
  if (error.data === 'linear') {
    return `${where}: 'linear' needs its number of output features, e.g. {linear: 64}`;
  }
  const guess = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
  return `${where} must be one of ${listWords(allowed)}, found ${describeValue(error.data)}${guess}`;
}

function patternMessage(where: string, path: SpecPath, error: ErrorObject): string {
  const { pattern } = error.params as { pattern: string };
  const found = describeValue(error.data);
  if (pattern === NAME_PATTERN) {
    return `${where} may only use lowercase letters, digits, '-' and '_', found ${found}`;
  }
  if (pattern === NODE_NAME_PATTERN && path.includes('shape')) {
    return `${where} must be a positive whole number or a symbol like 'batch' (a letter or '_', then letters, digits or '_'), found ${found}`;
  }
  if (pattern === NODE_NAME_PATTERN) {
    return `${where} must be a name (a letter or '_', then letters, digits or '_'), found ${found}`;
  }
  return `${where} must match the pattern ${pattern}, found ${found}`;
}

function finding(
  error: ErrorObject,
  data: unknown,
  locator: DocumentLocator,
  branchRequired: string[],
): Finding {
  const path = toPath(error.instancePath, data);
  const where = describePath(path);
  const at = (code: string, message: string, target: SpecPath = path, key = false): Finding => ({
    code,
    path: target,
    where: key ? locator.locateKey(target) : locator.locate(target),
    message,
  });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const hint = exampleHint(missing, error.parentSchema);
      return at(Codes.missingField, `${where} is missing the required field '${missing}'${hint}`);
    }
    case 'dependentRequired': {
      const missing = String(params.missingProperty);
      const hint = exampleHint(missing, error.parentSchema);
      return at(
        Codes.missingField,
        `${where} has '${String(params.property)}' but no '${missing}'${hint}`,
      );
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(propertySchemas(error.parentSchema));
      const noun = inLayerStack(path) ? 'layer' : KEY_NOUNS[lastKey(path) ?? ''];
      const what = noun ? `unknown ${noun} '${key}'` : `unknown field '${key}' in ${where}`;
      const message = `${what}${didYouMean(key, allowed)} (allowed: ${allowed.join(', ')})`;
      return at(Codes.unknownField, message, [...path, key], true);
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const noun = NAME_NOUNS[lastKey(path) ?? ''] ?? 'name';
      return at(
        Codes.badName,
        `'${name}' is not a valid ${noun}: use a letter or '_' first, then letters, digits or '_'`,
        [...path, name],
        true,
      );
    }
    case 'type':
      return at(Codes.wrongType, typeMessage(where, path, error));
    case 'enum':
      return at(Codes.notAllowedValue, enumMessage(where, error));
    case 'const':
      if (path.length === 1 && path[0] === 'modelspec') {
        return at(
          Codes.unsupportedVersion,
          `unsupported format version ${describeValue(error.data)}: this modelspec reads version 1 (write 'modelspec: 1')`,
        );
      }
      return at(Codes.notAllowedValue, `${where} must be ${yamlFlow(params.allowedValue)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(Codes.outOfRange, rangeMessage(where, error));
    case 'pattern':
      return at(Codes.badName, patternMessage(where, path, error));
    case 'minLength':
      return at(Codes.emptyString, `${where} must not be empty`);
    case 'minItems':
      return at(Codes.badList, `${where} must list at least ${String(params.limit)} item(s)`);
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const item = (error.data as unknown[])[later];
      const shown = typeof item === 'string' ? `'${item}'` : yamlFlow(item);
      return at(Codes.badList, `${where} lists ${shown} more than once`, [...path, later]);
    }
    case 'minProperties': {
      const allowed = Object.keys(propertySchemas(error.parentSchema));
      const examples = resolve(error.parentSchema).examples;
      const choices =
        allowed.length > 0
          ? `; give one of: ${allowed.join(', ')}`
          : Array.isArray(examples)
            ? `; for example ${yamlFlow(examples[0])}`
            : '';
      return at(Codes.wrongKeyCount, `${where} is empty${choices}`);
    }
    case 'maxProperties': {
      const keys = Object.keys(error.data as object);
      return at(
        Codes.wrongKeyCount,
        `${where} must have exactly one key, found ${keys.length} (${keys.join(', ')})`,
      );
    }
    case 'anyOf':
      return at(
        Codes.conflictingFields,
        branchRequired.length > 0
          ? `${where} needs one of ${listWords(branchRequired)}`
          : `${where} does not match any of its allowed forms`,
      );
    case 'false schema': {
      const trigger = /\/dependentSchemas\/([^/]+)\//.exec(error.schemaPath)?.[1];
      const field = String(path[path.length - 1]);
      const message = trigger
        ? `'${field}' cannot be used together with '${trigger}'`
        : `'${field}' is not allowed here`;
      return at(Codes.conflictingFields, message, path, true);
    }
    default:
      return at(Codes.otherSchema, `${where} ${error.message ?? 'is not valid'}`);
  }
}

/**
 * `required` errors that an unknown key at the same place already explains: a misspelling of
 * the missing field (`shap` for `shape`), or any other key where only one field is allowed
 * (`adam` where only `sgd` may go); likewise an `anyOf` of required fields when the unknown key
 * is a misspelling of one of them (`cosin` in a schedule). Reporting both would say the same
 * thing twice.
 */
function redundantRequired(byPlace: Map<string, ErrorObject[]>): Set<ErrorObject> {
  const redundant = new Set<ErrorObject>();
  for (const errors of byPlace.values()) {
    const unknownKeys = errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => String((e.params as { additionalProperty: string }).additionalProperty));
    if (unknownKeys.length === 0) continue;
    for (const error of errors) {
      if (error.keyword === 'anyOf') {
        const branches = errors
          .filter(
            (e) => e.keyword === 'required' && e.schemaPath.startsWith(`${error.schemaPath}/`),
          )
          .map((e) => String((e.params as { missingProperty: string }).missingProperty));
        if (unknownKeys.some((key) => suggest(key, branches) !== undefined)) redundant.add(error);
        continue;
      }
      if (error.keyword !== 'required') continue;
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const onlyField = Object.keys(propertySchemas(error.parentSchema)).length === 1;
      if (onlyField || unknownKeys.some((key) => suggest(key, [missing]) === missing)) {
        redundant.add(error);
      }
    }
  }
  return redundant;
}

/**
 * Ajv's errors for `data` as diagnostics in plain words, placed on the YAML node they are about.
 * Noise is removed first: `if` wrappers, the inner errors of propertyNames and anyOf branches,
 * and anything else at a place whose type is already wrong. At most `limit` are made. Linear in
 * the number of errors (a hostile spec can have thousands), given that few share one place.
 */
export function schemaDiagnostics(
  errors: ErrorObject[],
  data: unknown,
  locator: DocumentLocator,
  limit = Number.POSITIVE_INFINITY,
): Diagnostic[] {
  const byPlace = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const group = byPlace.get(error.instancePath);
    if (group) group.push(error);
    else byPlace.set(error.instancePath, [error]);
  }
  const redundant = redundantRequired(byPlace);
  const reportedType = new Set<string>();
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    if (diagnostics.length >= limit) break;
    if (
      error.keyword === 'if' ||
      'propertyName' in error ||
      error.schemaPath.includes('/anyOf/') ||
      redundant.has(error)
    ) {
      continue;
    }
    const here = byPlace.get(error.instancePath)!;
    if (here.some((e) => e.keyword === 'type')) {
      if (error.keyword !== 'type' || reportedType.has(error.instancePath)) continue;
      reportedType.add(error.instancePath);
    }
    const branchRequired = here
      .filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`))
      .map((e) => String((e.params as { missingProperty?: string }).missingProperty ?? ''))
      .filter((name) => name !== '');
    const { code, path, where, message } = finding(error, data, locator, branchRequired);
    const key = `${code}|${where.line}|${where.column}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({ ...where, code, severity: 'error', message, path: pointer(path) });
  }
  return diagnostics;
}

/** JSON pointer (RFC 6901) of a path. */
export function pointer(path: SpecPath): string {
  return path
    .map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}
