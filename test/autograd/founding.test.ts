import { describe, expect, it } from 'vitest';
import { AutogradError, Parameter, randn, Tensor, Variable } from '../../src/index.js';

// The founding note's example (seed-notes.md), with what PyTorch really does.
describe('the founding example', () => {
  const make = () => {
    const x = new Variable(randn([10, 5], { seed: 1 }), { requiresGrad: true });
    const y = new Variable(randn([10, 5], { seed: 2 }), { requiresGrad: true });
    return { x, y, z: x.add(y) };
  };

  it('refuses backward() on a non-scalar', () => {
    const { z } = make();
    expect(() => z.backward()).toThrow(AutogradError);
    expect(() => z.backward()).toThrow(/only for scalar outputs/);
  });

  it('gives z an AddBackward gradFn', () => {
    const { z } = make();
    expect(z.gradFn?.name).toBe('AddBackward');
    expect(z.gradFn?.nextFunctions.map((f) => f?.name)).toEqual([
      'AccumulateGrad',
      'AccumulateGrad',
    ]);
  });

  it('accumulates to 2s after two retained passes', () => {
    const { x, z } = make();
    const s = z.sum();
    s.backward({ retainGraph: true });
    expect(x.grad?.shape).toEqual([10, 5]);
    expect(Array.from(x.grad!.storage).every((v) => v === 1)).toBe(true);
    s.backward({ retainGraph: true });
    expect(Array.from(x.grad!.storage).every((v) => v === 2)).toBe(true);
  });

  it('throws on a second pass through a freed graph, naming retainGraph', () => {
    const { z } = make();
    const s = z.sum();
    s.backward();
    expect(() => s.backward()).toThrow(AutogradError);
    expect(() => s.backward()).toThrow(/retainGraph/);
  });

  it('makes every tensor a Variable, and Parameters require grad', () => {
    const { x, z } = make();
    expect(x).toBeInstanceOf(Tensor);
    expect(z instanceof Variable).toBe(true);
    const p = new Parameter(randn([3]));
    expect(p.requiresGrad).toBe(true);
    expect(p).toBeInstanceOf(Tensor);
    expect(p instanceof Variable).toBe(true);
  });
});
