import { describe, expect, it } from 'vitest';
import { mul, sum, type Tensor, tensor } from '../../src/index.js';
import { SPEC_OPS } from '../../src/opdefs/index.js';
import { CASES, defOf, type FloatDType, operand, options, run, TORCH } from './helpers.js';

// Every example of every op definition against PyTorch: the value of the op's torch spelling
// and the gradient of sum(out · w) for every checked operand, in float64 and float32.

/**
 * float64 should agree with torch to rounding; float32 to its precision, with an absolute
 * tolerance relative to the largest value so that cancellation near 0 is not held against it.
 */
const TOLERANCE: Record<FloatDType, { rtol: number; atol: number }> = {
  float64: { rtol: 1e-9, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

function expectClose(got: Tensor, want: number[], dtype: FloatDType, label: string): void {
  const { rtol, atol } = TOLERANCE[dtype];
  const scale = Math.max(1e-3, ...want.map(Math.abs));
  expect(got.size, `${label}: number of values`).toBe(want.length);
  let worst = { excess: 0, index: -1 };
  want.forEach((w, i) => {
    const excess = Math.abs(got.storage[i] - w) - (atol * scale + rtol * Math.abs(w));
    if (excess > worst.excess || Number.isNaN(got.storage[i])) worst = { excess, index: i };
  });
  const i = worst.index;
  expect(i, `${label}[${i}]: got ${got.storage[i]}, torch ${want[i]}`).toBe(-1);
}

const torchResult = (op: string, name: string) =>
  TORCH.cases.find((t) => t.op === op && t.name === name);

describe('the torch fixtures', () => {
  it(`come from torch (${TORCH.torch}) for exactly the current examples (else run scripts/torch_fixtures.py)`, () => {
    const stale = CASES.filter((c) => {
      const t = torchResult(c.op, c.name);
      return (
        !t ||
        JSON.stringify(t.operands) !==
          JSON.stringify(c.operands.map((o) => o.values ?? o.number ?? null))
      );
    }).map((c) => `${c.op}: ${c.name}`);
    expect(stale).toEqual([]);
    expect(TORCH.cases.length).toBe(CASES.length);
  });

  it('cover every op of the spec', () => {
    const covered = new Set(CASES.map((c) => c.op));
    expect(SPEC_OPS.map((d) => d.name).filter((op) => !covered.has(op))).toEqual([]);
  });
});

describe.each(['float64', 'float32'] as const)('ops against torch (%s)', (dtype) => {
  for (const c of CASES) {
    it(`${c.op}: ${c.name}`, () => {
      const want = torchResult(c.op, c.name)!;
      const operands = c.operands.map((o) => operand(o, dtype));
      const out = run(c, operands);
      expect(out.shape, 'output shape').toEqual(c.outShape);
      expectClose(out, want.out, dtype, 'value');
      (c.writes ?? []).forEach((k, i) => {
        expectClose(operands[k] as Tensor, want.written![i], dtype, `operand ${k} after the call`);
      });
      if (defOf(c).backward === undefined) return;
      const w = tensor(Float64Array.from(c.w), { shape: c.outShape, dtype });
      sum(mul(out, w)).backward();
      c.operands.forEach((o, k) => {
        if (!o.grad) return;
        const x = operands[k] as Tensor;
        expect(x.grad, `operand ${k} got no gradient`).not.toBeNull();
        expect(x.grad!.shape, `gradient shape of operand ${k}`).toEqual(o.shape);
        expectClose(x.grad!, want.grads[k]!, dtype, `gradient of operand ${k}`);
      });
    });
  }
});

// api.md: every op whose first operand is a tensor is also a Tensor method, same arguments.
describe('ops as Tensor methods (float64)', () => {
  const cases = CASES.filter(
    (c) =>
      defOf(c).family !== 'graph' &&
      !c.listed &&
      c.operands.length > 0 &&
      c.operands[0].number === undefined,
  );
  for (const c of cases) {
    it(`x.${defOf(c).method}(...): ${c.op}: ${c.name}`, () => {
      const [x, ...rest] = c.operands.map((o) => operand(o, 'float64', false));
      const method = (x as unknown as Record<string, (...args: unknown[]) => Tensor>)[
        defOf(c).method
      ];
      const got = method.call(x, ...rest, options(c));
      expect(Array.from(got.storage)).toEqual(Array.from(run(c, [x, ...rest]).storage));
    });
  }
});
