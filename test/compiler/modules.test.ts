import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../src/compiler/lower.js';
import { compileSpec, ModelError, Rng, tensor } from '../../src/index.js';
import { parseSpecDocument } from '../../src/spec/parse.js';
import { errorsOf, graphOf, HEADER, lowerYaml } from './lower-helper.js';

// The module tree of spec-modules.md: dims, modules called like functions, blocks with args,
// repeat, sequential, dotted paths, tie, and sizes bound at run time; and its located errors.
// Torch parity of a whole tree is in test/runtime/parity.test.ts (module-tree.yaml).

const TREE = `dims: {d: 8, hidden: d * 4, n_layer: 2}
inputs:
  x: {shape: [batch, d]}
  y: {shape: [batch], dtype: int32}
modules:
  body: {repeat: n_layer, block: residual}
  head: {sequential: [{linear: hidden}, relu, {linear: 3}]}
blocks:
  residual:
    inputs: [x]
    args: {width: 16}
    modules:
      fc: {linear: width}
      proj: {linear: d}
    parameters:
      scale: {shape: [d], init: ones}
    graph:
      y: x + proj(gelu(fc(x))) * scale
    output: y
graph:
  logits: head(body(x))
loss: cross_entropy(logits, y)
`;

const warningsOf = (body: string) =>
  lowerYaml(body)
    .diagnostics.filter((d) => d.severity === 'warning')
    .map((d) => `${d.code} ${d.message}`);

describe('the module tree', () => {
  it("names parameters as torch does, in torch's registration order", () => {
    const graph = graphOf(TREE);
    expect(graph.parameters.map((p) => `${p.name} [${p.shape}]`)).toEqual([
      'body.0.scale [8]',
      'body.0.fc.weight [16,8]',
      'body.0.fc.bias [16]',
      'body.0.proj.weight [8,16]',
      'body.0.proj.bias [8]',
      'body.1.scale [8]',
      'body.1.fc.weight [16,8]',
      'body.1.fc.bias [16]',
      'body.1.proj.weight [8,16]',
      'body.1.proj.bias [8]',
      'head.0.weight [32,8]',
      'head.0.bias [32]',
      'head.2.weight [3,32]',
      'head.2.bias [3]',
    ]);
  });

  it('keeps the module path of every node, and the tree', () => {
    const graph = graphOf(TREE);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    expect(byName.get('body.0/y/fc_1')?.module).toBe('body.0.fc');
    expect(byName.get('body.1/y')?.module).toBe('body.1');
    expect(byName.get('logits')?.module).toBe('head.2');
    expect(byName.get('loss')?.module).toBeUndefined();
    expect(graph.modules?.map((m) => `${m.path} ${m.kind}`)).toEqual([
      'body repeat',
      'body.0 block residual',
      'body.0.fc linear',
      'body.0.proj linear',
      'body.1 block residual',
      'body.1.fc linear',
      'body.1.proj linear',
      'head sequential',
      'head.0 linear',
      'head.1 relu',
      'head.2 linear',
    ]);
  });

  it('takes block args per instance, and dims from the command line', () => {
    const withArgs = TREE.replace(
      '{repeat: n_layer, block: residual}',
      '{repeat: n_layer, block: residual, args: {width: 5}}',
    );
    expect(graphOf(withArgs).parameters.find((p) => p.name === 'body.1.fc.weight')?.shape).toEqual([
      5, 8,
    ]);
    const { located } = parseSpecDocument(HEADER + TREE, { filename: 't.yaml' });
    const graph = lowerSpec(located!, { dims: { n_layer: 3, d: 4 } }).graph!;
    expect(graph.parameters.filter((p) => p.name.endsWith('.scale')).map((p) => p.shape)).toEqual([
      [4],
      [4],
      [4],
    ]);
    expect(graph.inputs[0].shape).toEqual(['batch', 4]);
  });

  it('runs in the plan and the interpreter alike, for any batch size', () => {
    const text = HEADER + TREE;
    const rng = new Rng(3);
    for (const batch of [1, 5]) {
      const x = tensor(
        Float32Array.from({ length: batch * 8 }, () => rng.normal()),
        { shape: [batch, 8] },
      );
      const y = tensor(Int32Array.from({ length: batch }, (_, i) => i % 3));
      const planned = compileSpec(text, { seed: 2 }).loss({ x, y });
      const interpreted = compileSpec(text, { seed: 2, plan: false }).loss({ x, y });
      expect(planned.item()).toBe(interpreted.item());
    }
  });

  it('binds symbols in reshape shapes at run time', () => {
    const model = compileSpec(`${HEADER}inputs:
  x: {shape: [batch, t, 6]}
graph:
  y: reshape(x, shape=[batch * t, 2, 3])
`);
    for (const plan of [true, false]) {
      model.usePlan(plan);
      expect(
        model.forward({ x: tensor(new Float32Array(2 * 5 * 6), { shape: [2, 5, 6] }) }).y.shape,
      ).toEqual([10, 2, 3]);
      expect(
        model.forward({ x: tensor(new Float32Array(3 * 1 * 6), { shape: [3, 1, 6] }) }).y.shape,
      ).toEqual([3, 2, 3]);
    }
  });

  it('reads a module parameter by its dotted path', () => {
    const graph = graphOf(`inputs:
  x: {shape: [batch, 4]}
modules:
  enc: {linear: {out: 3, bias: false}}
graph:
  z: enc(x)
  back: z @ enc.weight
`);
    expect(graph.nodes.find((n) => n.name === 'back')?.inputs).toEqual(['z', 'enc.weight']);
  });

  it('ties two parameters into one tensor: listed once, both keys in the state dict', () => {
    const text = `${HEADER}inputs:
  x: {shape: [batch, 4]}
modules:
  a: {linear: {out: 4, bias: false}}
  b: {linear: {out: 4, bias: false}}
tie: {b.weight: a.weight}
graph:
  y: b(a(x))
`;
    const model = compileSpec(text, { seed: 1 });
    expect(model.namedParameters().map(([n]) => n)).toEqual(['a.weight']);
    expect(Object.keys(model.stateDict())).toEqual(['a.weight', 'b.weight']);
    const sd = model.stateDict();
    expect(sd['a.weight'].toArray()).toEqual(sd['b.weight'].toArray());
    const other = tensor(new Float32Array(16), { shape: [4, 4] });
    expect(() => model.loadStateDict({ 'a.weight': sd['a.weight'], 'b.weight': other })).toThrow(
      ModelError,
    );
    expect(() => model.loadStateDict({ 'a.weight': sd['a.weight'], 'b.weight': other })).toThrow(
      "'b.weight' and 'a.weight' are one tied tensor but hold different values",
    );
    model.loadStateDict({ 'a.weight': other, 'b.weight': other });
    expect(model.parameters()[0].toArray()).toEqual(other.toArray());
  });
});

describe('module tree mistakes, each at its place', () => {
  const inputs = 'inputs:\n  x: {shape: [batch, 4]}\n';
  it('a dim that is not a positive whole number', () => {
    expect(errorsOf(`dims: {a: 4, b: a / 3, c: a - 4}\n${inputs}graph:\n  y: relu(x)\n`)).toEqual([
      'MS216 3:17',
      'MS216 3:27',
    ]);
  });
  it('an unknown module kind or block, with a suggestion', () => {
    const found = lowerYaml(
      `${inputs}modules:\n  fc: liner\n  m: {block: mpl}\nblocks:\n  mlp: {inputs: [x], graph: {y: relu(x)}, output: y}\ngraph:\n  y: relu(x)\n`,
    ).diagnostics;
    expect(
      found
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.code} ${d.line}:${d.column} ${d.message.split(' (')[0]}`),
    ).toEqual([
      "MS217 6:7 unknown module kind 'liner'; did you mean 'linear'?",
      "MS217 7:14 unknown block 'mpl'; did you mean 'mlp'?",
    ]);
  });
  it('a block that instantiates itself, naming the cycle', () => {
    const found = lowerYaml(
      `${inputs}modules:\n  top: {block: a}\nblocks:\n  a: {inputs: [x], modules: {inner: {block: b}}, graph: {y: inner(x)}, output: y}\n  b: {inputs: [x], modules: {inner: {block: a}}, graph: {y: inner(x)}, output: y}\ngraph:\n  y: top(x)\n`,
    ).diagnostics;
    expect(found.filter((d) => d.code === 'MS218').map((d) => d.message)).toEqual([
      "block 'a' instantiates itself: a -> b -> a",
    ]);
  });
  it('a module called on two input sizes', () => {
    expect(
      errorsOf(
        `${inputs}  z: {shape: [batch, 5]}\nmodules:\n  fc: {linear: 3}\ngraph:\n  y1: fc(x)\n  y2: fc(z)\n`,
      ),
    ).toEqual(['MS219 10:10']);
  });
  it('a repeat count below 1, a module hiding an op, a reused name', () => {
    expect(
      errorsOf(
        `${inputs}modules:\n  h: {repeat: 0, block: b}\n  relu: {linear: 3}\n  x: {linear: 3}\nblocks:\n  b: {inputs: [x], graph: {y: relu(x)}, output: y}\ngraph:\n  y: h(x)\n`,
      ),
    ).toEqual(['MS203 8:6', 'MS221 6:15', 'MS222 7:9']);
  });
  it('a tie of different shapes, and one naming no parameter', () => {
    expect(
      errorsOf(
        `${inputs}modules:\n  a: {linear: 4}\n  b: {linear: 5}\ntie: {b.weight: a.weight, b.wieght: a.weight}\ngraph:\n  y: b(a(x))\n`,
      ),
    ).toEqual(['MS220 8:17', 'MS220 8:37']);
  });
  it('a module called with the wrong number of inputs', () => {
    expect(errorsOf(`${inputs}modules:\n  fc: {linear: 3}\ngraph:\n  y: fc(x, x)\n`)).toEqual([
      'MS223 8:6',
    ]);
  });
  it('a module never called (a warning)', () => {
    expect(warningsOf(`${inputs}modules:\n  fc: {linear: 3}\ngraph:\n  y: relu(x)\n`)).toEqual([
      "MS224 module 'fc' is never called",
    ]);
  });
  it("a block's mistake once, however many instances", () => {
    const body = `${inputs}modules:\n  h: {repeat: 3, block: b}\nblocks:\n  b: {inputs: [x], graph: {y: relu(q)}, output: y}\ngraph:\n  y: h(x)\n`;
    expect(errorsOf(body)).toEqual(['MS202 8:36']);
  });
});
