import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFile, type Tensor, tensor } from '../../src/index.js';

// Whole networks against PyTorch: each spec of test/specs/parity/ is compiled, given the torch
// twin's weights (scripts/torch_networks.py -> test/fixtures/networks.json), and must give the
// same outputs, loss and parameter gradients. Our model is float32, torch's float64.

interface FixtureTensor {
  shape: number[];
  values: number[];
  dtype: 'float32' | 'int32';
}

interface FixtureNetwork {
  name: string;
  spec: string;
  mode: 'train' | 'eval';
  inputs: Record<string, FixtureTensor>;
  stateDict: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  loss: number;
  grads: Record<string, FixtureTensor | null>;
  /** The buffers after the forward pass (BatchNorm's running statistics). */
  buffers: Record<string, FixtureTensor>;
}

const fixture: { torch: string; networks: FixtureNetwork[] } = JSON.parse(
  readFileSync(new URL('../fixtures/networks.json', import.meta.url), 'utf8'),
);

const specPath = (file: string) =>
  fileURLToPath(new URL(`../specs/parity/${file}`, import.meta.url));

/**
 * rtol 1e-4 for float32 against float64; atol is relative to the largest value of the tensor,
 * so that a value that cancels to nearly 0 is not held to a relative bound it cannot meet.
 */
const RTOL = 1e-4;
const ATOL = 1e-5;

function expectClose(got: Tensor, want: FixtureTensor, label: string): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  const values = got.toArray() as unknown;
  const flat = (
    Array.isArray(values) ? values.flat(Number.POSITIVE_INFINITY) : [values]
  ) as number[];
  const scale = Math.max(1e-3, ...want.values.map(Math.abs));
  const bad = want.values.findIndex(
    (w, i) => !(Math.abs(flat[i] - w) <= ATOL * scale + RTOL * Math.abs(w)),
  );
  expect(bad, `${label}[${bad}]: got ${flat[bad]}, torch ${want.values[bad]}`).toBe(-1);
}

const asTensor = (t: FixtureTensor) =>
  tensor(Float64Array.from(t.values), { shape: t.shape, dtype: t.dtype });

describe(`whole networks against torch ${fixture.torch}`, () => {
  it('cover at least 6 networks, a frozen parameter, an eval-mode run and buffers', () => {
    expect(fixture.networks.length).toBeGreaterThanOrEqual(6);
    expect(fixture.networks.some((n) => Object.values(n.grads).includes(null))).toBe(true);
    expect(fixture.networks.some((n) => n.mode === 'eval')).toBe(true);
    const buffered = fixture.networks.filter((n) => Object.keys(n.buffers).length > 0);
    expect(buffered.map((n) => n.mode).sort()).toEqual(['eval', 'train', 'train']);
  });

  for (const net of fixture.networks) {
    describe(`${net.name} (${net.spec})`, () => {
      const setUp = () => {
        const model = compileFile(specPath(net.spec), { seed: 1 });
        model.loadStateDict(
          Object.fromEntries(Object.entries(net.stateDict).map(([k, v]) => [k, asTensor(v)])),
        );
        if (net.mode === 'eval') model.eval();
        const inputs = Object.fromEntries(
          Object.entries(net.inputs).map(([k, v]) => [k, asTensor(v)]),
        );
        return { model, inputs };
      };

      it("has torch's state_dict names, in torch's order", () => {
        const model = compileFile(specPath(net.spec), { seed: 1 });
        expect(Object.keys(model.stateDict())).toEqual(Object.keys(net.stateDict));
        expect(model.namedParameters().map(([name]) => name)).toEqual(Object.keys(net.grads));
      });

      it('gives the same outputs and loss', () => {
        const { model, inputs } = setUp();
        const names = [...Object.keys(net.outputs), model.graph.loss!];
        const values = model.run(inputs, names);
        for (const [name, want] of Object.entries(net.outputs)) {
          expectClose(values[name], want, `output ${name}`);
        }
        expectClose(
          values[model.graph.loss!],
          { shape: [], values: [net.loss], dtype: 'float32' },
          'loss',
        );
        const forward = model.forward(inputs);
        expect(Object.keys(forward).sort()).toEqual(Object.keys(net.outputs).sort());
      });

      it('leaves the buffers as torch does after one forward pass, on the plan and the interpreter', () => {
        for (const plan of [true, false]) {
          const { model, inputs } = setUp();
          model.usePlan(plan);
          model.loss(inputs).backward();
          const buffers = Object.fromEntries(model.namedBuffers());
          expect(Object.keys(buffers)).toEqual(Object.keys(net.buffers));
          for (const [name, want] of Object.entries(net.buffers)) {
            expect(buffers[name].dtype, `${name} dtype`).toBe(want.dtype);
            expectClose(buffers[name], want, `buffer ${name} (plan ${plan})`);
          }
        }
      });

      it('gives the same gradient for every parameter (null for frozen ones)', () => {
        const { model, inputs } = setUp();
        model.loss(inputs).backward();
        for (const [name, p] of model.namedParameters()) {
          const want = net.grads[name];
          if (want === null) {
            expect(p.requiresGrad, `${name} requiresGrad`).toBe(false);
            expect(p.grad, `${name}.grad`).toBeNull();
          } else {
            expect(p.grad, `${name}.grad`).not.toBeNull();
            expectClose(p.grad!, want, `grad ${name}`);
          }
        }
      });
    });
  }
});
