import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  compileSpec,
  DTypeError,
  ModelError,
  ShapeError,
  type Spec,
  type Tensor,
  tensor,
  zeros,
} from '../../src/index.js';

// The Model's contract (api.md "Specs and models"): input checks, parameter order, state
// dicts, modes, seeding and the summary.

const SPEC = `modelspec: 1
name: model-test
inputs:
  x: {shape: [batch, 3]}
  y: {shape: [batch], dtype: int32}
  z: {shape: [batch, 2]}
parameters:
  W: {shape: [3, 2], init: kaiming_uniform}
  b: {shape: [2], init: {uniform: {low: -1, high: 1}}}
  F: {shape: [2, 2], init: {normal: {std: 1}}, trainable: false}
layers:
  from: x
  to: h
  stack:
    - linear: 4
    - dropout: 0.5
    - linear: 2
graph:
  logits: x @ W + b + h
  other: z @ F
outputs: [logits, other]
loss: cross_entropy(logits, y)
`;

const ORDER = [
  'W',
  'b',
  'F',
  'layers.0.weight',
  'layers.0.bias',
  'layers.2.weight',
  'layers.2.bias',
];

const model = (seed = 3) => compileSpec(SPEC, { seed });
const x = () =>
  tensor([
    [1, 2, 3],
    [-1, 0.5, 2],
  ]);
const z = () =>
  tensor([
    [1, 0],
    [0, 1],
  ]);

function messageOf(fn: () => unknown): { type: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    return { type: (error as Error).constructor, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

const valuesOf = (t: Tensor) => Array.from(t.storage);

describe('Model.forward input checks', () => {
  it('names a missing input and its shape', () => {
    const { type, message } = messageOf(() => model().forward({ x: x() }));
    expect(type).toBe(ModelError);
    expect(message).toBe("missing input 'z' [batch, 2]");
  });

  it('lists every missing input at once', () => {
    const { message } = messageOf(() => model().forward({}));
    expect(message).toBe("missing inputs 'x' [batch, 3], 'z' [batch, 2]");
  });

  it('requires only the inputs the outputs need', () => {
    const out = model().eval().forward({ x: x(), z: z() });
    expect(Object.keys(out)).toEqual(['logits', 'other']);
    expect(out.logits.shape).toEqual([2, 2]);
    expect(model().run({ z: z() }, ['other']).other.shape).toEqual([2, 2]);
    expect(messageOf(() => model().loss({ x: x() })).message).toBe("missing input 'y' [batch]");
  });

  it('lists an unknown input with the known ones', () => {
    const { type, message } = messageOf(() => model().forward({ x: x(), z: z(), q: zeros([1]) }));
    expect(type).toBe(ModelError);
    expect(message).toBe("unknown input 'q' (the spec's inputs: x, y, z)");
  });

  it('names the input, the expected and the given shape for a wrong rank', () => {
    const { type, message } = messageOf(() => model().forward({ x: zeros([2, 3, 1]), z: z() }));
    expect(type).toBe(ShapeError);
    expect(message).toContain("input 'x'");
    expect(message).toContain('expected shape [batch, 3], got [2, 3, 1]');
  });

  it('names the input, the expected and the given shape for a wrong size', () => {
    const { type, message } = messageOf(() => model().forward({ x: zeros([2, 4]), z: z() }));
    expect(type).toBe(ShapeError);
    expect(message).toBe("input 'x': expected shape [batch, 3], got [2, 4] (dim 1 must be 3)");
  });

  it('names both inputs when a symbolic dim is bound by one and contradicted by another', () => {
    const { type, message } = messageOf(() => model().forward({ x: x(), z: zeros([3, 2]) }));
    expect(type).toBe(ShapeError);
    expect(message).toContain("input 'z'");
    expect(message).toContain("'batch'");
    expect(message).toContain("input 'x' set to 2");
    expect(message).toContain('3 here');
  });

  it('rejects floats for an int32 input, as a tensor or as arrays', () => {
    const asTensor = messageOf(() => model().loss({ x: x(), y: tensor([0, 1]) }));
    expect(asTensor.type).toBe(DTypeError);
    expect(asTensor.message).toBe("input 'y': expected int32 (class indices), got float32");
    const asArray = messageOf(() => model().loss({ x: x(), y: [0.5, 1] }));
    expect(asArray.type).toBe(DTypeError);
    expect(asArray.message).toContain("input 'y'");
    expect(asArray.message).toContain('0.5');
  });

  it('accepts whole numbers in arrays and int32 tensors for an int32 input', () => {
    const m = model().eval();
    const fromArray = m.loss({ x: x(), y: [0, 1] }).item();
    const fromTensor = m.loss({ x: x(), y: tensor([0, 1], { dtype: 'int32' }) }).item();
    expect(Number.isFinite(fromArray)).toBe(true);
    expect(fromTensor).toBe(fromArray);
  });

  it('rejects an int32 tensor for a float input', () => {
    const { type } = messageOf(() =>
      model().forward({ x: tensor([[1, 2, 3]], { dtype: 'int32' }), z: z() }),
    );
    expect(type).toBe(DTypeError);
  });

  it('runs a batch of any size (the symbol binds per call)', () => {
    const m = model().eval();
    expect(m.forward({ x: zeros([5, 3]), z: zeros([5, 2]) }).logits.shape).toEqual([5, 2]);
    expect(m.forward({ x: zeros([1, 3]), z: zeros([1, 2]) }).logits.shape).toEqual([1, 2]);
  });

  it('run() names an unknown node', () => {
    expect(messageOf(() => model().run({ x: x() }, ['nope'])).message).toContain(
      "'nope' is not a node of spec 'model-test'",
    );
  });
});

describe('Model parameters', () => {
  it('are the declared ones in spec order, then the stack’s in stack order', () => {
    const m = model();
    expect(m.namedParameters().map(([name]) => name)).toEqual(ORDER);
    expect(m.parameters()).toEqual(m.namedParameters().map(([, p]) => p));
    expect(m.parameters().map((p) => p.shape)).toEqual([
      [3, 2],
      [2],
      [2, 2],
      [4, 3],
      [4],
      [2, 4],
      [2],
    ]);
  });

  it('mark frozen parameters requiresGrad false and leave their grad null', () => {
    const m = model().eval();
    const byName = new Map(m.namedParameters());
    expect(byName.get('F')!.requiresGrad).toBe(false);
    expect(
      m
        .parameters()
        .filter((p) => p !== byName.get('F'))
        .every((p) => p.requiresGrad),
    ).toBe(true);
    const { other, logits } = m.forward({ x: x(), z: z() });
    expect(other.requiresGrad).toBe(false);
    logits.sum().backward();
    expect(byName.get('F')!.grad).toBeNull();
    expect(byName.get('W')!.grad).not.toBeNull();
  });

  it('are leaves the forward pass differentiates', () => {
    const m = model().eval();
    m.loss({ x: x(), y: [1, 0] }).backward();
    for (const [name, p] of m.namedParameters()) {
      if (name === 'F') continue;
      expect(p.isLeaf, name).toBe(true);
      expect(p.grad?.shape, name).toEqual(p.shape);
    }
  });
});

describe('Model.stateDict', () => {
  it('has every parameter, in namedParameters() order, detached', () => {
    const m = model();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(ORDER);
    for (const [name, p] of m.namedParameters()) {
      expect(sd[name].requiresGrad, name).toBe(false);
      expect(sd[name].gradFn).toBeNull();
      expect(valuesOf(sd[name])).toEqual(valuesOf(p));
    }
  });

  it('round-trips into another model', () => {
    const source = model(1);
    const target = model(2);
    expect(valuesOf(target.stateDict().W)).not.toEqual(valuesOf(source.stateDict().W));
    target.loadStateDict(source.stateDict());
    for (const name of ORDER) {
      expect(valuesOf(target.stateDict()[name]), name).toEqual(valuesOf(source.stateDict()[name]));
    }
  });

  it('copies values in: later changes to the source do not reach the model', () => {
    const m = model();
    const W = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    m.loadStateDict({ ...m.stateDict(), W });
    W.storage[0] = 100;
    expect(valuesOf(m.stateDict().W)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('accepts nested arrays and a flat Float32Array', () => {
    const m = model();
    m.loadStateDict(
      {
        W: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        b: Float32Array.from([7, 8]),
      },
      { strict: false },
    );
    expect(valuesOf(m.stateDict().W)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(valuesOf(m.stateDict().b)).toEqual([7, 8]);
  });

  it('strict: throws ONE error listing missing, unexpected and wrong-shape keys', () => {
    const m = model();
    const before = valuesOf(m.stateDict().b);
    const { type, message } = messageOf(() =>
      m.loadStateDict({ W: zeros([3, 3]), b: zeros([2]), extra: zeros([1]) }),
    );
    expect(type).toBe(ModelError);
    expect(message).toContain(
      'missing keys: F, layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias',
    );
    expect(message).toContain('unexpected keys: extra');
    expect(message).toContain("'W': expected [3, 2], got [3, 3]");
    // Nothing is loaded when anything is wrong.
    expect(valuesOf(m.stateDict().b)).toEqual(before);
  });

  it('non-strict: loads what fits, ignores missing and unexpected keys', () => {
    const m = model();
    const before = valuesOf(m.stateDict().W);
    m.loadStateDict({ b: [5, 6], extra: zeros([1]) }, { strict: false });
    expect(valuesOf(m.stateDict().b)).toEqual([5, 6]);
    expect(valuesOf(m.stateDict().W)).toEqual(before);
  });

  it('non-strict: a wrong shape is still an error (as torch)', () => {
    const { message } = messageOf(() =>
      model().loadStateDict({ b: zeros([3]) }, { strict: false }),
    );
    expect(message).toContain("'b': expected [2], got [3]");
    expect(message).not.toContain('missing');
  });

  it('loads into frozen parameters too', () => {
    const m = model();
    m.loadStateDict(
      {
        F: [
          [1, 2],
          [3, 4],
        ],
      },
      { strict: false },
    );
    expect(valuesOf(m.stateDict().F)).toEqual([1, 2, 3, 4]);
    expect(new Map(m.namedParameters()).get('F')!.requiresGrad).toBe(false);
  });
});

const DROPOUT_SPEC = (p: number) => `modelspec: 1
name: dropout-test
inputs:
  x: {shape: [batch, 8]}
layers:
  from: x
  to: out
  stack:
    - linear: 16
    - dropout: ${p}
    - linear: 4
`;

describe('Model.train() / eval()', () => {
  const input = () =>
    tensor(
      Float32Array.from({ length: 32 * 8 }, (_, i) => Math.sin(i)),
      {
        shape: [32, 8],
      },
    );

  it('starts in training mode and switches', () => {
    const m = compileSpec(DROPOUT_SPEC(0.5));
    expect(m.training).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.training).toBe(false);
    expect(m.train().training).toBe(true);
  });

  it('eval: dropout is the identity, deterministic and equal to the network without dropout', () => {
    const m = compileSpec(DROPOUT_SPEC(0.5), { seed: 4 }).eval();
    const plain = compileSpec(DROPOUT_SPEC(0), { seed: 4 });
    const first = valuesOf(m.forward({ x: input() }).out);
    expect(valuesOf(m.forward({ x: input() }).out)).toEqual(first);
    expect(valuesOf(plain.forward({ x: input() }).out)).toEqual(first);
  });

  it('train: dropout changes the output, from call to call', () => {
    const m = compileSpec(DROPOUT_SPEC(0.5), { seed: 4 });
    const evalOut = valuesOf(m.eval().forward({ x: input() }).out);
    m.train();
    const a = valuesOf(m.forward({ x: input() }).out);
    const b = valuesOf(m.forward({ x: input() }).out);
    expect(a).not.toEqual(evalOut);
    expect(b).not.toEqual(a);
  });
});

describe('compileSpec', () => {
  const weights = (seed: number) =>
    Object.values(compileSpec(SPEC, { seed }).stateDict()).flatMap(valuesOf);

  it('gives identical weights for the same seed', () => {
    expect(weights(7)).toEqual(weights(7));
  });

  it('gives different weights for other seeds', () => {
    expect(weights(8)).not.toEqual(weights(7));
    expect(weights(0)).not.toEqual(weights(7));
  });

  it('defaults the seed to train.seed, else 0', () => {
    const withTrainSeed = `${SPEC}train: {seed: 7}\n`;
    const fromTrain = Object.values(compileSpec(withTrainSeed).stateDict()).flatMap(valuesOf);
    expect(fromTrain).toEqual(weights(7));
    expect(Object.values(compileSpec(SPEC).stateDict()).flatMap(valuesOf)).toEqual(weights(0));
  });

  it('compiles a Spec object as it compiles the text', () => {
    const spec = parse(SPEC) as Spec;
    const fromObject = compileSpec(spec, { seed: 7 });
    expect(fromObject.graph.nodes.map((n) => n.name)).toEqual(
      compileSpec(SPEC, { seed: 7 }).graph.nodes.map((n) => n.name),
    );
    expect(Object.values(fromObject.stateDict()).flatMap(valuesOf)).toEqual(weights(7));
  });
});

describe('Model.summary()', () => {
  const summary = model().summary();
  const lines = summary.split('\n');
  const row = (first: string) => lines.find((l) => l.split(/\s+/)[0] === first) ?? '';

  it('lists every input and node with its op, shape and parameter count', () => {
    expect(lines[0]).toBe('Model: model-test');
    expect(row('x').split(/\s{2,}/)).toEqual(['x', 'input', '[batch, 3]', 'float32', '0']);
    expect(row('layers.0').split(/\s{2,}/)).toEqual([
      'layers.0',
      'linear',
      '[batch, 4]',
      'float32',
      '16',
    ]);
    expect(row('layers.1').split(/\s{2,}/)).toEqual([
      'layers.1',
      'dropout',
      '[batch, 4]',
      'float32',
      '0',
    ]);
    expect(row('other').split(/\s{2,}/)).toEqual(['other', 'matmul', '[batch, 2]', 'float32', '4']);
    expect(row('loss').split(/\s{2,}/)).toEqual(['loss', 'cross_entropy', '[]', 'float32', '0']);
    for (const node of model().graph.nodes) expect(row(node.name), node.name).not.toBe('');
  });

  it('lists every parameter with shape, count, init, fan and whether it trains', () => {
    expect(row('W').split(/\s{2,}/)).toEqual([
      'W',
      '[3, 2]',
      '6',
      'kaiming_uniform(a=0, mode=fan_in, nonlinearity=leaky_relu)',
      '3',
      'yes',
    ]);
    expect(
      row('F')
        .split(/\s{2,}/)
        .at(-1),
    ).toBe('no (frozen)');
    expect(row('layers.2.weight').split(/\s{2,}/)[4]).toBe('4');
    for (const name of ORDER) expect(row(name), name).not.toBe('');
  });

  it('ends with totals, trainable and frozen', () => {
    expect(summary).toContain('Total params: 38\n');
    expect(summary).toContain('Trainable params: 34\n');
    expect(summary).toContain('Frozen params: 4\n');
    expect(lines.at(-1)).toBe('Outputs: logits, other; loss: loss');
  });

  it('counts thousands with separators', () => {
    const big = compileSpec(
      'modelspec: 1\nname: big\ninputs:\n  x: {shape: [batch, 100]}\nlayers:\n  from: x\n  to: y\n  stack:\n    - linear: 100\n',
    );
    expect(big.summary()).toContain('Total params: 10,100\n');
  });
});

describe('constants', () => {
  it('take the dtype the compiler inferred: a whole number beside an int32 tensor stays int32', () => {
    const model = compileSpec(
      'modelspec: 1\nname: k\ninputs:\n  k: {shape: [n], dtype: int32}\ngraph:\n  d: k * 2\n',
    );
    const d = model.forward({ k: tensor([1, 2, 3], { dtype: 'int32' }) }).d;
    expect(d.dtype).toBe('int32');
    expect(d.toArray()).toEqual([2, 4, 6]);
  });
});
