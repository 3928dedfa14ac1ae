import { attrList } from './attrs.js';
import type { Attrs, OpDef, OpSource } from './types.js';

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string) => camel(name).replace(/^[a-z]/, (c) => c.toUpperCase());

/**
 * Fills in what a definition leaves to convention: the Tensor API name (camelCase), torch's
 * gradFn name (`LeakyReluBackward`), attributes positional in their order, and backward reading
 * every operand and the result (ops that read less say so, as torch's saved tensors do).
 */
export function defineOp<A = Attrs, P = undefined>(source: OpSource<A, P>): OpDef<A, P> {
  const attrs = attrList(source.attrs ?? {});
  return {
    ...source,
    operands: source.operands.map((name) =>
      name.endsWith('?') ? { name: name.slice(0, -1), optional: true } : { name },
    ),
    attrs,
    method: source.method ?? camel(source.name),
    gradFn: source.gradFn ?? `${pascal(source.name)}Backward`,
    positional: source.positional ?? attrs.length,
    saves: source.saves ?? [...source.operands.map((_, i) => i), 'out'],
  };
}
