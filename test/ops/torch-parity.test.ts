import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  abs,
  add,
  bceWithLogits,
  binaryCrossEntropy,
  type ClampOptions,
  type ConcatOptions,
  clamp,
  concat,
  crossEntropy,
  type DropoutOptions,
  div,
  dropout,
  type EluOptions,
  elu,
  exp,
  type FlattenOptions,
  flatten,
  gelu,
  type LeakyReluOptions,
  type LossOptions,
  l1Loss,
  leakyRelu,
  linear,
  log,
  logSoftmax,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mseLoss,
  mul,
  neg,
  nllLoss,
  pow,
  type ReduceOptions,
  type ReshapeOptions,
  relu,
  reshape,
  type SliceOptions,
  type SoftmaxOptions,
  type SoftplusOptions,
  sigmoid,
  slice,
  softmax,
  softplus,
  sqrt,
  sub,
  sum,
  type Tensor,
  type TransposeOptions,
  tanh,
  tensor,
  transpose,
} from '../../src/index.js';

// Forward values and gradients of every op against PyTorch (float64), from
// test/fixtures/ops.json, written by scripts/torch_fixtures.py.

type FloatDType = 'float32' | 'float64';
type Operand = Tensor | number;
type Attrs = Record<string, unknown>;

interface FixtureInput {
  shape?: number[];
  values?: number[];
  dtype?: 'int32';
  grad?: boolean;
  gradValues?: number[];
  scalar?: number;
}

interface FixtureCase {
  op: string;
  name: string;
  inputs: FixtureInput[];
  attrs: Attrs;
  /** The inputs form one list operand (concat); the table's entry receives them as such. */
  listed?: boolean;
  out: { shape: number[]; values: number[] };
  w: number[];
}

const fixture: { torch: string; cases: FixtureCase[] } = JSON.parse(
  readFileSync(new URL('../fixtures/ops.json', import.meta.url), 'utf8'),
);

/** Our function for each op name of the fixtures: operands positional, attributes as options. */
const OPS: Record<string, (inputs: Operand[], attrs: Attrs) => Tensor> = {
  add: ([a, b]) => add(a, b),
  sub: ([a, b]) => sub(a, b),
  mul: ([a, b]) => mul(a, b),
  div: ([a, b]) => div(a, b),
  neg: ([x]) => neg(x),
  pow: ([a, b]) => pow(a, b),
  exp: ([x]) => exp(x),
  log: ([x]) => log(x),
  sqrt: ([x]) => sqrt(x),
  abs: ([x]) => abs(x),
  maximum: ([a, b]) => maximum(a, b),
  minimum: ([a, b]) => minimum(a, b),
  clamp: ([x], o) => clamp(x, o as ClampOptions),
  relu: ([x]) => relu(x),
  leakyRelu: ([x], o) => leakyRelu(x, o as LeakyReluOptions),
  sigmoid: ([x]) => sigmoid(x),
  tanh: ([x]) => tanh(x),
  gelu: ([x]) => gelu(x),
  softplus: ([x], o) => softplus(x, o as SoftplusOptions),
  elu: ([x], o) => elu(x, o as EluOptions),
  matmul: ([a, b]) => matmul(a, b),
  linear: ([x, w, b]) => linear(x, w, b),
  transpose: ([x], o) => transpose(x, o as TransposeOptions),
  reshape: ([x], o) => reshape(x, o as unknown as ReshapeOptions),
  flatten: ([x], o) => flatten(x, o as FlattenOptions),
  concat: (xs, o) => concat(xs, o as ConcatOptions),
  slice: ([x], o) => slice(x, o as SliceOptions),
  sum: ([x], o) => sum(x, o as ReduceOptions),
  mean: ([x], o) => mean(x, o as ReduceOptions),
  max: ([x], o) => max(x, o as ReduceOptions),
  min: ([x], o) => min(x, o as ReduceOptions),
  softmax: ([x], o) => softmax(x, o as SoftmaxOptions),
  logSoftmax: ([x], o) => logSoftmax(x, o as SoftmaxOptions),
  dropout: ([x], o) => dropout(x, o as DropoutOptions),
  mseLoss: ([x, t], o) => mseLoss(x, t, o as LossOptions),
  l1Loss: ([x, t], o) => l1Loss(x, t, o as LossOptions),
  crossEntropy: ([x, t], o) => crossEntropy(x, t, o as LossOptions),
  nllLoss: ([x, t], o) => nllLoss(x, t, o as LossOptions),
  binaryCrossEntropy: ([x, t], o) => binaryCrossEntropy(x, t, o as LossOptions),
  bceWithLogits: ([x, t], o) => bceWithLogits(x, t, o as LossOptions),
};

/** The ops of spec-format.md ("Expressions"), by their API names: each must have a fixture case. */
const SPEC_OPS = [
  'add sub mul div neg pow exp log sqrt abs maximum minimum clamp',
  'relu leakyRelu sigmoid tanh gelu softplus elu',
  'matmul linear transpose reshape flatten concat slice sum mean max min',
  'softmax logSoftmax dropout mseLoss l1Loss crossEntropy nllLoss binaryCrossEntropy bceWithLogits',
]
  .join(' ')
  .split(' ');

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

function makeInput(input: FixtureInput, dtype: FloatDType): Operand {
  if (input.scalar !== undefined) return input.scalar;
  const values = input.dtype === 'int32' ? Int32Array.from(input.values!) : input.values!;
  return tensor(Float64Array.from(values), {
    shape: input.shape,
    dtype: input.dtype ?? dtype,
    requiresGrad: input.grad,
  });
}

describe('the fixtures', () => {
  it(`come from torch (${fixture.torch}) and cover every op of the spec`, () => {
    const covered = new Set(fixture.cases.map((c) => c.op));
    expect(SPEC_OPS.filter((op) => !covered.has(op))).toEqual([]);
  });

  it('name only ops that the table maps', () => {
    expect(fixture.cases.map((c) => c.op).filter((op) => !(op in OPS))).toEqual([]);
  });
});

/** Runs one case through `call`, then compares the value and every input's gradient with torch. */
function check(c: FixtureCase, dtype: FloatDType, call: (inputs: Operand[]) => Tensor): void {
  const inputs = c.inputs.map((input) => makeInput(input, dtype));
  const out = call(inputs);
  expect(out.shape, 'output shape').toEqual(c.out.shape);
  expect(out.dtype, 'output dtype').toBe(dtype);
  expectClose(out, c.out.values, dtype, 'value');

  const w = tensor(Float64Array.from(c.w), { shape: c.out.shape, dtype });
  sum(mul(out, w)).backward();
  c.inputs.forEach((input, k) => {
    if (!input.grad) return;
    const x = inputs[k] as Tensor;
    expect(x.grad, `input ${k} got no gradient`).not.toBeNull();
    expect(x.grad!.shape, `gradient shape of input ${k}`).toEqual(input.shape);
    expectClose(x.grad!, input.gradValues!, dtype, `gradient of input ${k}`);
  });
}

describe.each(['float64', 'float32'] as const)('ops against torch (%s)', (dtype) => {
  for (const c of fixture.cases) {
    it(`${c.op}: ${c.name}`, () => check(c, dtype, (inputs) => OPS[c.op](inputs, c.attrs)));
  }
});

type Methods = Record<string, (...args: unknown[]) => Tensor>;

// api.md: every op whose first operand is a tensor is also a Tensor method, same arguments.
describe('ops as Tensor methods against torch (float64)', () => {
  const cases = fixture.cases.filter((c) => !c.listed && c.inputs[0].scalar === undefined);
  for (const c of cases) {
    it(`x.${c.op}(...): ${c.name}`, () =>
      check(c, 'float64', ([x, ...rest]) => {
        const options = Object.keys(c.attrs).length > 0 ? [c.attrs] : [];
        return (x as unknown as Methods)[c.op](...rest, ...options);
      }));
  }

  const transpose2d = fixture.cases.find(
    (c) => c.op === 'transpose' && c.inputs[0].shape?.length === 2,
  );
  it(`x.T: ${transpose2d?.name}`, () => check(transpose2d!, 'float64', ([x]) => (x as Tensor).T));
});
