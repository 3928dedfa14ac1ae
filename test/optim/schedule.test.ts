import { describe, expect, it } from 'vitest';
import { Parameter, ValueError } from '../../src/index.js';
import { CosineAnnealingLR, SGD, StepLR } from '../../src/optim/index.js';

const optimizer = (lr = 0.1) => new SGD([new Parameter([1])], { lr });

describe('StepLR', () => {
  it('divides the lr by 10 every stepSize steps by default', () => {
    const opt = optimizer(1);
    const scheduler = new StepLR(opt, { stepSize: 2 });
    const lrs = [];
    for (let i = 0; i < 5; i++) {
      scheduler.step();
      lrs.push(opt.paramGroups[0].lr);
    }
    expect(lrs).toEqual([1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002]);
  });

  it('refuses a stepSize that is not a positive integer', () => {
    expect(() => new StepLR(optimizer(), { stepSize: 0 })).toThrow(ValueError);
    expect(() => new StepLR(optimizer(), { stepSize: 1.5 })).toThrow(/stepSize must be an integer/);
  });
});

describe('CosineAnnealingLR', () => {
  it('reaches etaMin at tMax', () => {
    const opt = optimizer(0.1);
    const scheduler = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 });
    for (let i = 0; i < 4; i++) scheduler.step();
    expect(scheduler.getLastLr()[0]).toBeCloseTo(0.01, 15);
  });

  it('refuses tMax <= 0', () => {
    expect(() => new CosineAnnealingLR(optimizer(), { tMax: 0 })).toThrow(/tMax must be > 0/);
  });
});

describe('scheduler state dict', () => {
  it('resumes at the same epoch and lr, with the original base lr', () => {
    const straight = optimizer(0.1);
    const uninterrupted = new CosineAnnealingLR(straight, { tMax: 10 });
    for (let i = 0; i < 7; i++) uninterrupted.step();

    const first = optimizer(0.1);
    const before = new CosineAnnealingLR(first, { tMax: 10 });
    for (let i = 0; i < 4; i++) before.step();
    const saved = JSON.parse(JSON.stringify(before.stateDict()));
    expect(saved).toEqual({ lastEpoch: 4, baseLrs: [0.1] });

    const second = optimizer(0.1);
    second.loadStateDict(first.stateDict());
    const after = new CosineAnnealingLR(second, { tMax: 10 });
    after.loadStateDict(saved);
    expect(second.paramGroups[0].lr).toBe(first.paramGroups[0].lr);
    for (let i = 0; i < 3; i++) after.step();
    expect(after.getLastLr()).toEqual(uninterrupted.getLastLr());
    expect(second.paramGroups[0].lr).toBe(straight.paramGroups[0].lr);
  });

  it('refuses base lrs that do not match the groups', () => {
    const scheduler = new StepLR(optimizer(), { stepSize: 1 });
    expect(() => scheduler.loadStateDict({ lastEpoch: 1, baseLrs: [0.1, 0.2] })).toThrow(
      'StepLR.loadStateDict: 2 base lrs for 1 parameter groups',
    );
    expect(() => scheduler.loadStateDict({ lastEpoch: -3, baseLrs: [0.1] })).toThrow(
      /lastEpoch must be an integer >= 0/,
    );
  });
});
