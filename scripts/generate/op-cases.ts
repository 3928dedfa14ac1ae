import type { ExampleInput, OpExample } from '../../src/opdefs/examples.js';
import { OP_DEFS } from '../../src/opdefs/index.js';
import type { AttrValue, OpDef } from '../../src/opdefs/types.js';
import { Rng } from '../../src/tensor/rng.js';

// Writes test/fixtures/op-cases.json: every example of every op definition with its input
// values drawn, its attributes complete, and the weights w of the objective sum(out · w).
// scripts/torch_fixtures.py evaluates each op's torch spelling on these cases (ops.json), and
// the per-op tests read both.

export interface CaseOperand {
  name: string;
  shape?: number[];
  values?: number[];
  dtype?: 'float' | 'int32';
  grad?: boolean;
  /** A plain number operand. */
  number?: number;
  /** An optional operand left out before a given one (None in torch). */
  absent?: true;
}

export interface OpCase {
  op: string;
  name: string;
  torch: string;
  listed: boolean;
  operands: CaseOperand[];
  /** Optional operands the example leaves out (None in torch's spelling). */
  missing: string[];
  attrs: Record<string, AttrValue>;
  training: boolean;
  outShape: number[];
  w: number[];
  /** The operands this call updates in place (OpDef.writes), whose values after it are compared. */
  writes?: number[];
  /** OpExample.notDerivative: finite differences do not apply. */
  notDerivative?: string;
}

/** FNV-1a of the case's name: each case draws from a generator of its own. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const round = (v: number) => Number(v.toPrecision(12));

function draw(input: ExampleInput, rng: Rng): number[] {
  if (input.kind === 'absent') return [];
  if (input.kind === 'number') return [input.value];
  const size = input.shape.reduce((n, d) => n * d, 1);
  if (input.kind === 'labels') {
    return Array.from({ length: size }, () => Math.floor(rng.uniform() * input.classes));
  }
  const v = input.values;
  if ('exact' in v) return [...v.exact];
  if ('uniform' in v) {
    const [lo, hi] = v.uniform;
    return Array.from({ length: size }, () => round(lo + (hi - lo) * rng.uniform()));
  }
  const margin = v.margin ?? 0.05;
  return Array.from({ length: size }, () => {
    let x = rng.normal() * v.normal;
    for (const p of v.avoid ?? []) {
      if (Math.abs(x - p) < margin) x = p + (x >= p ? 2 * margin : -2 * margin);
    }
    return round(x);
  });
}

function operandName(def: OpDef, i: number): string {
  return def.listOperand ? `tensors[${i}]` : def.operands[i].name;
}

export function opCase(def: OpDef, example: OpExample): OpCase {
  const rng = new Rng(seedOf(`${def.name}/${example.name}`));
  const operands: CaseOperand[] = example.inputs.map((input, i) => {
    const values = draw(input, rng);
    const name = operandName(def, i);
    if (input.kind === 'absent') return { name, absent: true };
    if (input.kind === 'number') return { name, number: values[0] };
    return {
      name,
      shape: input.shape,
      values,
      dtype: input.kind === 'labels' ? 'int32' : 'float',
      grad: input.kind === 'float' && input.grad,
    };
  });
  const attrs: Record<string, AttrValue> = {};
  for (const attr of def.attrs)
    attrs[attr.name] = example.attrs?.[attr.name] ?? attr.default ?? null;
  const info = def.infer(
    example.inputs.map((input) =>
      input.kind === 'absent'
        ? (undefined as never)
        : input.kind === 'number'
          ? { shape: [], dtype: 'float32' as const }
          : {
              shape: input.shape,
              dtype: input.kind === 'labels' ? ('int32' as const) : ('float32' as const),
            },
    ),
    attrs,
    'run',
  );
  const training = example.training ?? true;
  const writes = (def.writes?.operands ?? []).filter(
    (k) =>
      (def.writes?.when === 'always' || training) &&
      (example.inputs[k]?.kind ?? 'absent') !== 'absent',
  );
  const outShape = info.shape as number[];
  const size = outShape.reduce((n, d) => n * d, 1);
  return {
    op: def.name,
    name: example.name,
    torch: def.torch,
    listed: def.listOperand ?? false,
    operands,
    missing: def.listOperand ? [] : def.operands.slice(operands.length).map((o) => o.name),
    attrs,
    training,
    outShape,
    w: Array.from({ length: size }, () => round(rng.normal())),
    ...(writes.length > 0 ? { writes } : {}),
    ...(example.notDerivative ? { notDerivative: example.notDerivative } : {}),
  };
}

export function opCases(): OpCase[] {
  return OP_DEFS.flatMap((def) => def.examples.map((example) => opCase(def, example)));
}

export function renderOpCases(): string {
  // One case per line: a changed example shows as a changed line.
  return `{"cases": [\n${opCases()
    .map((c) => JSON.stringify(c))
    .join(',\n')}\n]}\n`;
}
