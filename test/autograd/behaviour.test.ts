import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  add,
  exp,
  isGradEnabled,
  mul,
  noGrad,
  ones,
  Parameter,
  ShapeError,
  type Tensor,
  tensor,
} from '../../src/index.js';

const f64 = (values: number[], requiresGrad = true) =>
  tensor(values, { dtype: 'float64', requiresGrad });
const values = (t: Tensor | null) => Array.from((t as Tensor).storage);

// The behaviours api.md lists under "Behaviour that must hold" (the founding test covers the rest).
describe('autograd behaviour', () => {
  it('refuses backward() on a tensor that does not require grad', () => {
    const x = tensor([1, 2]);
    expect(() => x.sum().backward()).toThrow(AutogradError);
    expect(() => x.sum().backward()).toThrow(/does not require grad/);
  });

  it('takes an explicit gradient for a non-scalar, positionally or as { gradient }', () => {
    const x = f64([1, 2, 3]);
    const y = mul(x, 2);
    y.backward(f64([1, 10, 100], false));
    expect(values(x.grad)).toEqual([2, 20, 200]);
    const z = mul(x, 3);
    z.backward({ gradient: f64([1, 1, 1], false) });
    expect(values(x.grad)).toEqual([5, 23, 203]);
  });

  it('refuses an explicit gradient of the wrong shape, naming both shapes', () => {
    const y = mul(f64([1, 2, 3]), 2);
    expect(() => y.backward(f64([1, 2], false))).toThrow(ShapeError);
    expect(() => y.backward(f64([1, 2], false))).toThrow(/\[2\].*\[3\]/);
  });

  it('accumulates .grad across calls until it is zeroed', () => {
    const x = f64([1, 2]);
    mul(x, x).sum().backward();
    mul(x, x).sum().backward();
    expect(values(x.grad)).toEqual([4, 8]);
    x.grad = null;
    mul(x, x).sum().backward();
    expect(values(x.grad)).toEqual([2, 4]);
  });

  it('keeps a non-leaf .grad null unless retainGrad() was called', () => {
    const x = f64([1, 2]);
    const y = mul(x, 3);
    const z = mul(x, 3).retainGrad();
    add(y, z).sum().backward();
    expect(y.grad).toBeNull();
    expect(values(z.grad)).toEqual([1, 1]);
    expect(values(x.grad)).toEqual([6, 6]);
    expect(() => tensor([1]).retainGrad()).toThrow(AutogradError);
  });

  it('refuses to change requiresGrad of a non-leaf; a leaf may change it', () => {
    const x = f64([1]);
    const y = mul(x, 2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(AutogradError);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/leaf/);
    const leaf = tensor([1]);
    leaf.requiresGrad = true;
    expect(leaf.requiresGrad).toBe(true);
    expect(leaf.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
  });

  it('refuses an in-place op on a leaf requiring grad outside noGrad, allows it inside', () => {
    const w = f64([1, 2]);
    expect(() => w.mul_(2)).toThrow(AutogradError);
    noGrad(() => w.mul_(2));
    expect(values(w)).toEqual([2, 4]);
  });

  it('detects at backward an in-place change of a saved tensor, naming the op', () => {
    const x = f64([1, 2]);
    const a = f64([3, 4], false);
    const y = mul(x, a);
    a.mul_(2);
    expect(() => y.sum().backward()).toThrow(AutogradError);
    const x2 = f64([1, 2]);
    const a2 = f64([3, 4], false);
    const y2 = x2.mul(a2);
    a2.add_(1);
    expect(() => y2.sum().backward()).toThrow(
      /MulBackward.*modified by an in-place operation|modified by an in-place operation.*MulBackward/,
    );
  });

  it('sees through detach(): the change of a detached alias of a saved tensor is detected', () => {
    const x = f64([1, 2]);
    const y = exp(x);
    const d = y.detach();
    d.mul_(2);
    expect(() => y.sum().backward()).toThrow(/ExpBackward/);
  });

  it('lets add, which saves nothing, ignore in-place changes of its inputs', () => {
    const x = f64([1, 2]);
    const a = f64([3, 4], false);
    const y = add(x, a);
    a.mul_(2);
    y.sum().backward();
    expect(values(x.grad)).toEqual([1, 1]);
  });

  it('detach() shares storage and drops history', () => {
    const x = f64([1, 2]);
    const y = mul(x, 2);
    const d = y.detach();
    expect(d.storage).toBe(y.storage);
    expect(d.gradFn).toBeNull();
    expect(d.requiresGrad).toBe(false);
    expect(x.data.storage).toBe(x.storage);
    expect(x.data.requiresGrad).toBe(false);
  });

  it('records nothing inside noGrad, and restores the mode after (also after a throw)', () => {
    const x = f64([1, 2]);
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      noGrad(() => undefined);
      expect(isGradEnabled()).toBe(false);
      return mul(x, 2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.gradFn).toBeNull();
    expect(y.requiresGrad).toBe(false);
    expect(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(isGradEnabled()).toBe(true);
  });

  it('makes Parameters require grad even when created inside noGrad', () => {
    const p = noGrad(() => new Parameter([1, 2]));
    expect(p.requiresGrad).toBe(true);
  });

  it('runs backward through a chain of 100,000 ops without a stack overflow', () => {
    const x = f64([1]);
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = add(y, 1);
    expect(y.item()).toBe(100_001);
    y.sum().backward();
    expect(values(x.grad)).toEqual([1]);
  });

  it('visits each node once: a diamond gives the summed gradient', () => {
    // a = 3x; b = a·a; c = a + b  =>  dc/dx = 3 + 2a·3 = 3 + 18x
    const x = f64([1, 2]);
    const a = mul(x, 3);
    const c = add(a, mul(a, a));
    c.sum().backward();
    expect(values(x.grad)).toEqual([21, 39]);
    // Two paths into the same leaf from a deeper diamond: d = (x·x)·(x·x) => 4x³
    const w = f64([2]);
    const s = mul(w, w);
    mul(s, s).sum().backward();
    expect(values(w.grad)).toEqual([32]);
  });

  it('frees every node after backward: a second pass through any of them throws', () => {
    const x = f64([1, 2]);
    const y = f64([3, 4]);
    const z = add(x, y);
    z.sum().backward();
    // AddBackward saved nothing and is freed too (stricter than torch).
    expect(() => z.sum().backward()).toThrow(AutogradError);
    expect(() => z.sum().backward()).toThrow(/retainGraph/);
  });

  it('keeps the graph with retainGraph, and frees it on the last pass', () => {
    const x = f64([1, 2]);
    const s = mul(x, x).sum();
    s.backward({ retainGraph: true });
    s.backward();
    expect(values(x.grad)).toEqual([4, 8]);
    expect(() => s.backward()).toThrow(/retainGraph/);
  });

  it("takes torch's backward(None, retain_graph=True) form, and refuses unknown options", () => {
    const x = f64([1, 2]);
    const s = mul(x, x).sum();
    s.backward(undefined, { retainGraph: true });
    s.backward(null, { retainGraph: true });
    s.backward(ones([]), { retainGraph: true });
    s.backward();
    expect(values(x.grad)).toEqual([8, 16]);
    expect(() => s.backward()).toThrow(/retainGraph/);
    const t = mul(x, x).sum();
    expect(() => t.backward({ retain_graph: true } as never)).toThrow(
      "backward(): unknown option 'retain_graph'; did you mean 'retainGraph'? (known: gradient, retainGraph)",
    );
    expect(() => t.backward(undefined, { keep: true } as never)).toThrow(/unknown option 'keep'/);
    expect(() => t.backward({ retainGraph: true }, { retainGraph: true })).toThrow(/once/);
  });

  it('exposes the graph through gradFn.nextFunctions', () => {
    const x = f64([1, 2]);
    const y = exp(mul(x, 2)).sum();
    expect(y.gradFn?.name).toBe('SumBackward');
    const expNode = y.gradFn?.nextFunctions[0];
    expect(expNode?.name).toBe('ExpBackward');
    const mulNode = expNode?.nextFunctions[0];
    expect(mulNode?.name).toBe('MulBackward');
    expect(mulNode?.nextFunctions.map((f) => f?.name ?? null)).toEqual(['AccumulateGrad', null]);
  });
});
