import { checkAttr } from '../opdefs/attrs.js';
import type { SpecPath } from '../spec/located.js';
import type { OpObjectSpec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import type { AttrValue } from './graph.js';
import { knownNames } from './names.js';
import { findGraphOp, OP_CATALOG } from './op-catalog.js';
import type { Scope } from './scope.js';

/**
 * Lowers a spelled-out entry `{op, inputs, attrs}` (what `compile` prints) to one node named
 * after the entry; number inputs become constants `<entry>/const_<k>`.
 */
export function lowerOpObject(
  scope: Scope,
  entry: string,
  path: SpecPath,
  spec: OpObjectSpec,
  known: ReadonlySet<string>,
): string | null {
  const { lowering } = scope;
  const { reporter } = lowering;
  const name = scope.nodeName(entry);
  const op = findGraphOp(spec.op);
  if (!op) {
    reporter.error(
      'MS205',
      { path: [...path, 'op'] },
      `unknown op '${spec.op}'${didYouMean(spec.op, OP_CATALOG.keys())}`,
    );
    return null;
  }
  let ok = true;
  const given = spec.inputs ?? [];
  const names = op.operands.map((o) => o.name);
  const max = op.listOperand ? Number.POSITIVE_INFINITY : op.operands.length;
  const min = op.listOperand ? 1 : op.operands.filter((o) => !o.optional).length;
  if (given.length < min || given.length > max) {
    const range = op.listOperand ? 'at least 1' : min === max ? String(min) : `${min} to ${max}`;
    reporter.error(
      'MS206',
      { path: [...path, 'inputs'] },
      `${op.name} takes ${range} input${range === '1' ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''}, got ${given.length}`,
    );
    ok = false;
  }
  const attrs: Record<string, AttrValue> = {};
  const givenAttrs = spec.attrs ?? {};
  for (const [key, value] of Object.entries(givenAttrs)) {
    const def = op.attrs.find((a) => a.name === key);
    const site = { path: [...path, 'attrs', key] };
    if (!def) {
      const names = op.attrs.map((a) => a.name);
      reporter.error(
        'MS207',
        site,
        `${op.name} has no attribute '${key}'${didYouMean(key, names)} (${names.length ? `known: ${names.join(', ')}` : 'it takes none'})`,
      );
      ok = false;
      continue;
    }
    const checked = checkAttr(op.name, def, value);
    if ('message' in checked) {
      reporter.error('MS209', site, checked.message);
      ok = false;
    } else attrs[key] = checked.value;
  }
  for (const def of op.attrs) {
    if (def.name in attrs || def.name in givenAttrs) continue;
    if (def.default === undefined) {
      reporter.error(
        'MS210',
        { path: [...path, 'attrs'] },
        `${op.name} needs the attribute '${def.name}'`,
      );
      ok = false;
    } else attrs[def.name] = def.default;
  }
  let constants = 0;
  const inputs = given.map((input, i) => {
    const site = { path: [...path, 'inputs', i] };
    if (typeof input === 'number') {
      constants += 1;
      return lowering.addNode({
        name: `${name}/const_${constants}`,
        op: 'constant',
        inputs: [],
        attrs: { value: input },
        site,
        operandSites: [],
        constantDtype: 'float32',
      });
    }
    const value = scope.value(input);
    if (value === undefined && !known.has(input)) {
      reporter.error(
        'MS202',
        site,
        `unknown name '${input}'${didYouMean(input, known)} ${knownNames(known)}`,
      );
      return null;
    }
    return value ?? null;
  });
  if (!ok) return null;
  const operandSites = given.map((_, i) => ({ path: [...path, 'inputs', i] }));
  return lowering.addNode({
    name,
    op: op.name,
    inputs,
    attrs,
    site: { path: [...path, 'op'] },
    operandSites,
  });
}
