import { describe, expect, it } from 'vitest';
import { Parameter, ValueError } from '../../src/index.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  OPTIMIZERS,
  optimizerDefinition,
  RMSprop,
  SGD,
} from '../../src/optim/index.js';
import { classOptions, resolvedSpecOptions, trainSchemaDefs } from '../../src/optim/registry.js';
import { specSchema } from '../../src/spec/schema.js';

const param = () => new Parameter([1, 2, 3]);

describe('the optimizer registry', () => {
  it('lists every optimizer once, by its spec name and torch class name', () => {
    expect(OPTIMIZERS.map((d) => [d.name, d.className])).toEqual([
      ['sgd', 'SGD'],
      ['adam', 'Adam'],
      ['adamw', 'AdamW'],
      ['rmsprop', 'RMSprop'],
      ['adagrad', 'Adagrad'],
      ['adadelta', 'Adadelta'],
    ]);
    const classes = [SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta];
    OPTIMIZERS.forEach((d, i) => {
      expect(d.create([param()], { lr: 0.1 })).toBeInstanceOf(classes[i]);
    });
  });

  it('is what the schema file says of optimizers and param groups (npm run generate rewrites it)', () => {
    const defs = specSchema().$defs as Record<string, unknown>;
    for (const [name, fragment] of Object.entries(trainSchemaDefs())) {
      expect(defs[name], `$defs.${name}`).toEqual(fragment);
    }
  });

  it('names an unknown optimizer with a did-you-mean', () => {
    expect(() => optimizerDefinition('adamw')).not.toThrow();
    expect(() => optimizerDefinition('adma')).toThrow(
      "unknown optimizer 'adma'; did you mean 'adam'? (known: sgd, adam, adamw, rmsprop, adagrad, adadelta)",
    );
  });

  it("turns a spec's options into the class's and writes out torch's defaults", () => {
    const adamw = optimizerDefinition('adamw');
    expect(classOptions(adamw, { lr: 0.1, weight_decay: 0.2 })).toEqual({
      lr: 0.1,
      weightDecay: 0.2,
    });
    expect(resolvedSpecOptions(adamw, { betas: [0.9, 0.95] })).toEqual({
      lr: 0.001,
      betas: [0.9, 0.95],
      eps: 1e-8,
      weight_decay: 0.01,
      amsgrad: false,
      maximize: false,
    });
    expect(resolvedSpecOptions(optimizerDefinition('adagrad'), {})).toEqual({
      lr: 0.01,
      lr_decay: 0,
      weight_decay: 0,
      initial_accumulator_value: 0,
      eps: 1e-10,
      maximize: false,
    });
  });
});

describe("each optimizer's options", () => {
  it("fills every group with torch's defaults, the constructor's options over them", () => {
    const defaults = (o: { paramGroups: object[] }) => {
      const { params: _, ...rest } = o.paramGroups[0] as Record<string, unknown>;
      return rest;
    };
    expect(defaults(new Adam([param()]))).toEqual({
      lr: 0.001,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
    });
    expect(defaults(new AdamW([param()])).weightDecay).toBe(0.01);
    expect(defaults(new RMSprop([param()], { centered: true }))).toEqual({
      lr: 0.01,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: true,
      maximize: false,
    });
    expect(defaults(new Adagrad([param()]))).toEqual({
      lr: 0.01,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
    });
    expect(defaults(new Adadelta([param()]))).toEqual({
      lr: 1,
      rho: 0.9,
      eps: 1e-6,
      weightDecay: 0,
      maximize: false,
    });
  });

  it.each([
    [() => new Adam([param()], { betas: [0.9, 1] }), 'Invalid beta parameter at index 1: 1'],
    [() => new AdamW([param()], { betas: [-0.1, 0.9] }), 'Invalid beta parameter at index 0: -0.1'],
    [() => new Adam([param()], { eps: -1 }), 'Invalid epsilon value: -1'],
    [() => new Adam([param()], { lr: Number.NaN }), 'Invalid learning rate: NaN'],
    [() => new RMSprop([param()], { alpha: -0.5 }), 'Invalid alpha value: -0.5'],
    [() => new RMSprop([param()], { momentum: -1 }), 'Invalid momentum value: -1'],
    [() => new Adagrad([param()], { lrDecay: -1 }), 'Invalid lrDecay value: -1'],
    [
      () => new Adagrad([param()], { initialAccumulatorValue: -1 }),
      'Invalid initialAccumulatorValue value: -1',
    ],
    [() => new Adadelta([param()], { rho: 1.5 }), 'Invalid rho value: 1.5'],
    [() => new Adadelta([param()], { weightDecay: -1 }), 'Invalid weightDecay value: -1'],
    [
      () => new Adam([param()], { weight_decay: 0.1 } as never),
      "Adam: unknown option 'weight_decay'; did you mean 'weightDecay'? (known: lr, betas, eps, weightDecay, amsgrad, maximize)",
    ],
    [
      () => new AdamW([param()], { betas: 0.9 } as never),
      "AdamW: option 'betas' must be a pair of numbers [a, b], got 0.9",
    ],
    [
      () => new RMSprop([param()], { centered: 1 } as never),
      "option 'centered' must be true or false",
    ],
    [
      () => new Adam([{ params: [param()], betas: [0.9, 2] }]),
      'Invalid beta parameter at index 1: 2 (parameter group 0)',
    ],
  ])('refuses %#: %s', (make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });
});
