import { describe, expect, it } from 'vitest';
import { mul, Parameter, type Tensor, tensor, ValueError } from '../../src/index.js';
import { SGD, type SGDStateDict } from '../../src/optim/index.js';
import { lossOf, params, train, values } from '../helpers/optimizing.js';

describe('SGD.step', () => {
  it('applies p -= lr * grad and bumps the version counter', () => {
    const [a] = params();
    const optimizer = new SGD([a], { lr: 0.1 });
    a.grad = tensor([1, 2, -4], { dtype: 'float64' });
    const version = a.version.value;
    optimizer.step();
    expect(Array.from(a.storage)).toEqual([1 - 0.1, -2 - 0.2, 3 + 0.4]);
    expect(a.version.value).toBe(version + 1);
  });

  it('skips a parameter whose grad is null', () => {
    const [a, b] = params();
    const optimizer = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, 1, 1], { dtype: 'float64' });
    optimizer.step();
    expect(Array.from(b.storage)).toEqual([0.5, 0.25]);
    expect(optimizer.stateDict().state[1]).toBeUndefined();
  });

  it('returns the closure result, computed with recording on', () => {
    const ps = params();
    const optimizer = new SGD(ps, { lr: 0.01 });
    const loss = optimizer.step(() => {
      optimizer.zeroGrad();
      const l = lossOf(ps);
      l.backward();
      return l.item();
    });
    expect(loss).toBeCloseTo(1 + 16 + 81 + 3 * (0.25 + 0.0625), 12);
    expect(ps[0].storage[0]).toBeCloseTo(1 - 0.01 * 4, 12);
  });

  it('gives each group its own options, filling the rest from the defaults', () => {
    const [a, b] = params();
    const optimizer = new SGD(
      [
        { params: [a], lr: 0.5 },
        { params: [b], momentum: 0.9 },
      ],
      {
        lr: 0.1,
        weightDecay: 0.01,
      },
    );
    expect(optimizer.paramGroups.map(({ params: _, ...o }) => o)).toEqual([
      { lr: 0.5, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: false },
      { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: false },
    ]);
  });

  it('uses a changed group lr on the next step', () => {
    const [a] = params();
    const optimizer = new SGD([a], { lr: 0.1 });
    optimizer.paramGroups[0].lr = 1;
    a.grad = tensor([1, 1, 1], { dtype: 'float64' });
    optimizer.step();
    expect(Array.from(a.storage)).toEqual([0, -3, 2]);
  });

  it('works on float32 parameters, keeping float32 storage', () => {
    const p = new Parameter([1, 2]);
    const optimizer = new SGD([p], { lr: 0.5, momentum: 0.5 });
    p.grad = tensor([2, 2]);
    optimizer.step();
    expect(p.storage).toBeInstanceOf(Float32Array);
    expect(Array.from(p.storage)).toEqual([0, 1]);
  });
});

describe('SGD.zeroGrad', () => {
  it('sets grads to null by default', () => {
    const ps = params();
    const optimizer = new SGD(ps, { lr: 0.1 });
    lossOf(ps).backward();
    optimizer.zeroGrad();
    expect(ps.map((p) => p.grad)).toEqual([null, null]);
  });

  it('zeroes grads in place with setToNone: false', () => {
    const ps = params();
    const optimizer = new SGD(ps, { lr: 0.1 });
    lossOf(ps).backward();
    const grads = ps.map((p) => p.grad);
    optimizer.zeroGrad({ setToNone: false });
    ps.forEach((p, i) => {
      expect(p.grad).toBe(grads[i]);
      expect(Array.from(p.grad!.storage).every((v) => v === 0)).toBe(true);
    });
  });
});

describe('SGD.stateDict', () => {
  const options = { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1 };

  it('resumes exactly: 5 steps, save, load into a fresh optimizer, 5 more', () => {
    const straight = params();
    train(new SGD(straight, options), straight, 10);

    const first = params();
    const before = new SGD(first, options);
    train(before, first, 5);
    const saved = before.stateDict();
    const second = first.map((p) => new Parameter(p));
    // A snapshot: further steps of `before` do not reach into it.
    train(before, first, 1);
    const after = new SGD(second, { lr: 1 });
    after.loadStateDict(saved);
    train(after, second, 5);

    expect(values(second)).toEqual(values(straight));
    expect(after.paramGroups[0].nesterov).toBe(true);
  });

  it('also loads the plain-JSON state of format-1 checkpoints (buffers as number arrays)', () => {
    const straight = params();
    train(new SGD(straight, options), straight, 10);
    const first = params();
    const before = new SGD(first, options);
    train(before, first, 5);
    const { state, paramGroups } = before.stateDict();
    const json = JSON.parse(
      JSON.stringify({
        paramGroups,
        state: Object.fromEntries(
          Object.entries(state).map(([i, s]) => [
            i,
            { momentumBuffer: Array.from((s.momentumBuffer as Tensor).storage) },
          ]),
        ),
      }),
    );
    const after = new SGD(first, { lr: 1 });
    after.loadStateDict(json);
    train(after, first, 5);
    expect(values(first)).toEqual(values(straight));
  });

  it('numbers parameters across groups, as torch', () => {
    const [a, b] = params();
    const optimizer = new SGD([{ params: [a] }, { params: [b], momentum: 0.5 }], { lr: 0.1 });
    a.grad = tensor([1, 1, 1], { dtype: 'float64' });
    b.grad = tensor([[2, 4]], { dtype: 'float64' });
    optimizer.step();
    const sd = optimizer.stateDict();
    const buffer = sd.state[1].momentumBuffer as Tensor;
    expect(buffer.shape).toEqual([1, 2]);
    expect(buffer.toArray()).toEqual([[2, 4]]);
    expect({ ...sd, state: { ...sd.state, 1: {} } }).toEqual({
      state: { 0: { momentumBuffer: null }, 1: {} },
      paramGroups: [
        {
          lr: 0.1,
          momentum: 0,
          dampening: 0,
          weightDecay: 0,
          nesterov: false,
          maximize: false,
          params: [0],
        },
        {
          lr: 0.1,
          momentum: 0.5,
          dampening: 0,
          weightDecay: 0,
          nesterov: false,
          maximize: false,
          params: [1],
        },
      ],
    });
  });

  it('refuses a state dict with other groups or sizes', () => {
    const ps = params();
    const optimizer = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    train(optimizer, ps, 1);
    const sd = optimizer.stateDict();
    const twoGroups = new SGD([{ params: [ps[0]] }, { params: [ps[1]] }], { lr: 0.1 });
    expect(() => twoGroups.loadStateDict(sd)).toThrow(
      'the state dict has 1 parameter groups, this optimizer has 2',
    );
    const oneParam = new SGD([ps[0]], { lr: 0.1 });
    expect(() => oneParam.loadStateDict(sd)).toThrow(/2 parameters in the state dict, 1 here/);
    const otherShapes = new SGD([ps[1], ps[0]], { lr: 0.1 });
    expect(() => otherShapes.loadStateDict(sd)).toThrow(
      /momentum buffer of parameter 0 has 3 values, the parameter 2/,
    );
    expect(() => optimizer.loadStateDict({} as SGDStateDict)).toThrow(ValueError);
    const { momentum: _, ...partial } = sd.paramGroups[0];
    expect(() =>
      optimizer.loadStateDict({ ...sd, paramGroups: [partial as SGDStateDict['paramGroups'][0]] }),
    ).toThrow('parameter group 0 lacks or mistypes momentum');
    expect(optimizer.paramGroups[0].momentum).toBe(0.9);
  });
});

describe('SGD constructor errors', () => {
  const [a, b] = params();
  it.each([
    [{ lr: -0.1 }, 'Invalid learning rate: -0.1'],
    [{ lr: 0.1, momentum: -0.5 }, 'Invalid momentum value: -0.5'],
    [{ lr: 0.1, weightDecay: -1 }, 'Invalid weightDecay value: -1'],
    [{ lr: 0.1, nesterov: true }, 'Nesterov momentum requires a momentum and zero dampening'],
    [
      { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 },
      'Nesterov momentum requires a momentum and zero dampening',
    ],
  ])('%o: %s', (options, message) => {
    expect(() => new SGD([a], options)).toThrow(ValueError);
    expect(() => new SGD([a], options)).toThrow(message);
  });

  it('refuses an empty parameter list', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD got an empty parameter list');
  });

  it('refuses a parameter in two groups', () => {
    expect(() => new SGD([{ params: [a, b] }, { params: [b] }], { lr: 0.1 })).toThrow(
      'some parameters appear in more than one parameter group',
    );
  });

  it('refuses a group without any learning rate', () => {
    expect(() => new SGD([{ params: [a] }])).toThrow(/no learning rate/);
  });

  it('checks group options too, naming the group', () => {
    expect(() => new SGD([{ params: [a] }, { params: [b], lr: -1 }], { lr: 0.1 })).toThrow(
      'Invalid learning rate: -1 (parameter group 1)',
    );
  });

  it('refuses a non-leaf tensor and an unknown option', () => {
    expect(() => new SGD([mul(a, 2)], { lr: 0.1 })).toThrow(/not a leaf.*MulBackward/);
    expect(() => new SGD([{ params: [a], weight_decay: 0.1 } as never], { lr: 0.1 })).toThrow(
      /unknown option 'weight_decay'/,
    );
  });

  it('accepts a parameter that does not require grad (it just never moves)', () => {
    const frozen = new Parameter([1, 2], { requiresGrad: false });
    const optimizer = new SGD([frozen], { lr: 0.1 });
    optimizer.step();
    expect(Array.from(frozen.storage)).toEqual([1, 2]);
  });
});
