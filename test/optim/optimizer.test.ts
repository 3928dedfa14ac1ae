import { describe, expect, it } from 'vitest';
import { Parameter, type Tensor, tensor } from '../../src/index.js';
import { OPTIMIZERS } from '../../src/optim/index.js';
import { params, train, values } from '../helpers/optimizing.js';

/** Options that switch on every piece of state each optimizer has. */
const BUSY: Record<string, Record<string, unknown>> = {
  sgd: { lr: 0.01, momentum: 0.9 },
  adam: { lr: 0.01, amsgrad: true, weightDecay: 0.1 },
  adamw: { lr: 0.01, amsgrad: true },
  rmsprop: { lr: 0.01, momentum: 0.5, centered: true },
  adagrad: { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 },
  adadelta: { lr: 0.5, weightDecay: 0.01 },
};

describe.each(OPTIMIZERS.map((d) => [d.className, d] as const))('%s', (_, definition) => {
  const options = BUSY[definition.name];

  it('resumes exactly: 5 steps, stateDict, loadStateDict into a fresh optimizer, 5 more', () => {
    const straight = params();
    train(definition.create(straight, options as never), straight, 10);
    const first = params();
    const before = definition.create(first, options as never);
    train(before, first, 5);
    const saved = before.stateDict();
    const second = first.map((p) => new Parameter(p));
    train(before, first, 1); // a snapshot: later steps do not reach into it
    const after = definition.create(second, { lr: 0.5 } as never);
    after.loadStateDict(saved);
    train(after, second, 5);
    expect(values(second)).toEqual(values(straight));
    expect(after.paramGroups[0].lr).toBe(options.lr);
  });

  it('keeps the state tensors its definition names, one per parameter and of its shape', () => {
    const ps = params();
    const optimizer = definition.create(ps, options as never);
    train(optimizer, ps, 2);
    const { state } = optimizer.stateDict();
    expect(Object.keys(state)).toEqual(['0', '1']);
    for (const [index, entries] of Object.entries(state)) {
      const p = ps[Number(index)];
      for (const [name, value] of Object.entries(entries)) {
        if (name === 'step') expect(value).toBe(2);
        else {
          expect(definition.stateNames).toContain(name);
          expect((value as Tensor).shape).toEqual(p.shape);
        }
      }
    }
  });

  it('refuses a state entry it does not keep, and leaves its state as it was', () => {
    const ps = params();
    const optimizer = definition.create(ps, options as never);
    train(optimizer, ps, 1);
    const sd = optimizer.stateDict();
    const before = JSON.stringify(values(ps));
    sd.state[0] = { ...sd.state[0], velocity: tensor([0, 0, 0]) };
    expect(() => optimizer.loadStateDict(sd)).toThrow(
      `${definition.className}.loadStateDict: parameter 0 has state 'velocity', which ${definition.className} does not keep`,
    );
    train(optimizer, ps, 0);
    expect(JSON.stringify(values(ps))).toBe(before);
  });
});

describe('Adagrad', () => {
  it('has every parameter state from the start, as torch (step 0, the initial accumulator)', () => {
    const ps = params();
    const optimizer = OPTIMIZERS[4].create(ps, { initialAccumulatorValue: 0.25 });
    const { state } = optimizer.stateDict();
    expect(state[0].step).toBe(0);
    expect((state[1].sum as Tensor).toArray()).toEqual([[0.25, 0.25]]);
  });
});
