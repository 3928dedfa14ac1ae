import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY_OPS } from '../../src/compiler/expr/ast.js';
import { SPEC_OPS } from '../../src/opdefs/index.js';
import type { AttrValue, OpDef, OpFamily } from '../../src/opdefs/types.js';

// The op tables of docs/ops.md, one per family, from the op definitions: each sits between
// `<!-- generated: FAMILY -->` and `<!-- end generated -->`; the prose around them is written
// by hand.

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const INFIX = new Map(Object.entries(BINARY_OPS).map(([symbol, op]) => [op, symbol]));

function literal(value: AttrValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;

function specSpelling(def: OpDef): string {
  const operands = def.listOperand
    ? ['[a, b]']
    : def.operands.map((o) => (o.optional ? `${o.name}?` : o.name));
  const attrs = def.attrs.map((a) => `${a.name}=${literal(a.default)}`);
  const call = code(`${def.name}(${[...operands, ...attrs].join(', ')})`);
  const infix = INFIX.get(def.name);
  if (infix) return `${code(`a ${infix} b`)}, ${call}`;
  if (def.name === 'neg') return `${code('-a')}, ${call}`;
  return call;
}

function apiSpelling(def: OpDef): string {
  if (!def.listOperand && def.operands.length === 0) return 'a tensor-creation function (below)';
  const operands = def.listOperand ? ['[a, b]'] : def.operands.map((o) => o.name);
  const options = [...def.attrs.map((a) => camel(a.name)), ...(def.uses ?? [])];
  const args = [...operands, ...(options.length ? [`{ ${options.join(', ')} }`] : [])];
  const fn = code(`${def.method}(${args.join(', ')})`);
  if (def.listOperand) return fn;
  const rest = args.slice(1);
  return `${fn}, ${code(`${operands[0]}.${def.method}(${rest.join(', ')})`)}`;
}

export function opTable(family: OpFamily): string {
  const rows = SPEC_OPS.filter((def) => def.family === family).map((def) =>
    [
      specSpelling(def),
      apiSpelling(def),
      def.doc.replace(/\|/g, '\\|'),
      code(def.gradient ?? 'none'),
      def.backward ? code(def.gradFn) : 'none',
    ].join(' | '),
  );
  return [
    '| spec | TypeScript | value | gradient | gradFn |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

/** docs/ops.md with every generated table rendered afresh from the definitions. */
export function renderOpsDoc(root: string): string {
  const text = readFileSync(join(root, 'docs/ops.md'), 'utf8');
  return text.replace(
    /<!-- generated: ([a-z ]+) -->\n[\s\S]*?<!-- end generated -->/g,
    (_, family: string) =>
      `<!-- generated: ${family} -->\n${opTable(family as OpFamily)}\n<!-- end generated -->`,
  );
}

/** The families docs/ops.md must have a table for. */
export const DOC_FAMILIES: readonly OpFamily[] = [...new Set(SPEC_OPS.map((d) => d.family))];
