import { readFileSync } from 'node:fs';
import type { CaseOperand, OpCase } from '../../scripts/generate/op-cases.js';
import { type Tensor, tensor } from '../../src/index.js';
import { opDef } from '../../src/opdefs/index.js';
import type { OpDef } from '../../src/opdefs/types.js';
import { callOp, camelCase } from '../../src/ops/call.js';

// The cases every per-op test runs: the examples of the op definitions with their values drawn
// (test/fixtures/op-cases.json, `npm run generate`), and torch's results on them
// (test/fixtures/ops.json, scripts/torch_fixtures.py).

export type FloatDType = 'float32' | 'float64';

export const CASES: OpCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/op-cases.json', import.meta.url), 'utf8'),
).cases;

export interface TorchResult {
  op: string;
  name: string;
  operands: (number[] | number | undefined)[];
  out: number[];
  grads: (number[] | null)[];
  /** The values of the operands the op updated in place (OpCase.writes), after the call. */
  written?: number[][];
}

export const TORCH: { torch: string; cases: TorchResult[] } = JSON.parse(
  readFileSync(new URL('../fixtures/ops.json', import.meta.url), 'utf8'),
);

export const defOf = (c: OpCase): OpDef => opDef(c.op) as OpDef;

/** An operand as a tensor of `dtype` (int32 for labels), the plain number, or null when absent. */
export function operand(o: CaseOperand, dtype: FloatDType, grad = o.grad): Tensor | number | null {
  if (o.absent) return null;
  if (o.number !== undefined) return o.number;
  const values = o.values as number[];
  if (o.dtype === 'int32') return tensor(Int32Array.from(values), { shape: o.shape });
  return tensor(Float64Array.from(values), { shape: o.shape, dtype, requiresGrad: grad });
}

/** The Tensor API's options object for a case: camelCase attributes, and the mode if read. */
export function options(c: OpCase): Record<string, unknown> {
  const def = defOf(c);
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(c.attrs)) result[camelCase(name)] = value;
  if (def.uses?.includes('training')) result.training = c.training;
  return result;
}

/** Calls the op of a case through the Tensor API, as a user would. */
export function run(c: OpCase, operands: (Tensor | number | null)[]): Tensor {
  const def = defOf(c);
  const args = def.listOperand ? [operands] : operands;
  return callOp(def, [...args, options(c)]);
}
