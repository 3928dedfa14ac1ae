import { describe, expect, it } from 'vitest';
import {
  compileSpec,
  embedding,
  gather,
  layerNorm,
  noGrad,
  oneHot,
  tensor,
  ValueError,
} from '../../src/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { compileError } from '../helpers/spec-error.js';

// layer_norm, embedding, gather and one_hot beyond their per-op examples (test/opdefs): the
// module kinds' parameters and init, located errors, run-time index errors in compiled models,
// and the Tensor API's spellings.

const stack = (input: string, entries: string[], loss = '') => `modelspec: 1
name: kinds
inputs:
  x: {shape: ${input}}
layers:
  from: x
  to: out
  stack:
${entries.map((e) => `    - ${e}`).join('\n')}
${loss}`;

describe('layer_norm as a module kind', () => {
  it('makes weight (ones) and bias (zeros) of its shape; a number is the last axis', () => {
    const model = compileSpec(stack('[batch, 3, 8]', ['layer_norm: 8']));
    expect(model.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['layers.0.weight', [8]],
      ['layers.0.bias', [8]],
    ]);
    expect(model.parameters()[0].toArray()).toEqual(new Array(8).fill(1));
    expect(model.parameters()[1].toArray()).toEqual(new Array(8).fill(0));
    const two = compileSpec(stack('[batch, 3, 8]', ['layer_norm: {shape: [3, 8], eps: 0.01}']));
    expect(two.parameters().map((p) => p.shape)).toEqual([
      [3, 8],
      [3, 8],
    ]);
    expect(two.graph.nodes[0].attrs).toEqual({ shape: [3, 8], eps: 0.01 });
  });

  it('leaves out the bias, or both, as asked', () => {
    const noBias = compileSpec(stack('[batch, 8]', ['layer_norm: {shape: 8, bias: false}']));
    expect(noBias.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight']);
    const none = compileSpec(
      stack('[batch, 8]', ['layer_norm: {shape: 8, elementwise_affine: false}']),
    );
    expect(none.parameters()).toEqual([]);
    const x = tensor([
      [1, 2, 3, 4, 5, 6, 7, 8],
      [0, 0, 0, 0, 1, 1, 1, 1],
    ]);
    const out = noGrad(() => none.forward({ x }).out);
    expect(Array.from(out.storage)).toEqual(Array.from(layerNorm(x, { shape: [8] }).storage));
  });

  it('refuses a shape that is not the trailing axes, located at the stack entry (MS330)', () => {
    const error = compileError(stack('[batch, 32]', ['layer_norm: 64']));
    expect(error.diagnostics[0]).toMatchObject({ code: 'MS330', line: 9 });
    expect(error.diagnostics[0].message).toBe(
      'layer_norm: the normalised shape [64] does not match the trailing axes of input [batch, 32]',
    );
  });
});

describe('embedding as a module kind', () => {
  const spec = stack('[batch, 3], dtype: int32', ['embedding: {num: 5, dim: 4, padding_idx: 2}']);

  it('draws weight [num, dim] from normal(0, 1) and zeroes the padding row, as torch', () => {
    const model = compileSpec(spec, { seed: 7 });
    const [weight] = model.parameters();
    expect(weight.shape).toEqual([5, 4]);
    const rng = new Rng(7);
    const drawn = Array.from({ length: 20 }, () => Math.fround(rng.normal()));
    drawn.fill(0, 8, 12);
    expect(Array.from(weight.storage)).toEqual(drawn);
  });

  it('names the position of an id out of range, in the plan and the interpreter', () => {
    for (const plan of [true, false]) {
      const model = compileSpec(spec, { plan });
      const x = tensor(Int32Array.from([0, 1, 2, 3, 4, 5]), { shape: [2, 3] });
      expect(() => noGrad(() => model.forward({ x }))).toThrow(ValueError);
      expect(() => noGrad(() => model.forward({ x }))).toThrow(
        'embedding: input[1, 2] = 5 is out of range for 5 embeddings (expected 0..4)',
      );
    }
  });

  it('gives the padding row no gradient', () => {
    const model = compileSpec(`${spec}loss: sum(out)\n`);
    const x = tensor(Int32Array.from([2, 1, 2, 0, 2, 1]), { shape: [2, 3] });
    model.loss({ x }).backward();
    const grad = model.parameters()[0].grad!.toArray() as number[][];
    expect(grad).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('refuses a padding_idx outside the table, located at the stack entry', () => {
    const error = compileError(
      stack('[batch, 3], dtype: int32', ['embedding: {num: 5, dim: 4, padding_idx: 5}']),
    );
    expect(error.diagnostics[0]).toMatchObject({ code: 'MS311', line: 9 });
    expect(error.diagnostics[0].message).toBe(
      'embedding: padding_idx 5 is out of range for 5 embeddings (expected -5..4)',
    );
  });
});

describe('gather and one_hot in a spec', () => {
  it('compile and run as torch.gather and F.one_hot(...).float()', () => {
    const model = compileSpec(`modelspec: 1
name: lookups
inputs:
  x: {shape: [batch, 4]}
  y: {shape: [batch], dtype: int32}
  picks: {shape: [batch, 2], dtype: int32}
graph:
  picked: gather(x, picks, axis=1)
  target: one_hot(y, classes=4, dtype=float32)
loss: mse_loss(softmax(x, axis=-1), target)
outputs: [picked, target]
`);
    const x = tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const y = tensor(Int32Array.from([3, 0]), { shape: [2] });
    const picks = tensor(Int32Array.from([0, 0, 3, 1]), { shape: [2, 2] });
    const out = noGrad(() => model.forward({ x, picks, y }));
    expect(out.picked.toArray()).toEqual([
      [1, 1],
      [8, 6],
    ]);
    expect(out.target.toArray()).toEqual([
      [0, 0, 0, 1],
      [1, 0, 0, 0],
    ]);
    expect(out.target.dtype).toBe('float32');
    const bad = tensor(Int32Array.from([0, 4, 0, 0]), { shape: [2, 2] });
    expect(() => noGrad(() => model.forward({ x, picks: bad, y }))).toThrow(
      'gather: index[0, 1] = 4 is out of range for axis 1 of size 4 (expected 0..3)',
    );
  });

  it('refuses a one_hot without classes, and an int result mixed with floats', () => {
    const base = `modelspec: 1
name: lookups
inputs:
  y: {shape: [batch], dtype: int32}
  x: {shape: [batch, 3]}
graph:
`;
    const missing = compileError(`${base}  h: one_hot(y)\n`);
    expect(missing.diagnostics[0].code).toBe('MS210');
    const mixed = compileError(`${base}  h: one_hot(y, classes=3) * x\n`);
    expect(mixed.diagnostics[0].code).toBe('MS306');
  });
});

describe('the Tensor API', () => {
  it('layerNorm(x, w, b, { shape, eps }), the shape defaulting to the weight’s', () => {
    const x = tensor([
      [1, 2, 4],
      [3, 3, 0],
    ]);
    const w = tensor([1, 2, 3]);
    const b = tensor([0, 1, 0]);
    const y = layerNorm(x, w, b);
    expect(y.toArray()).toEqual(layerNorm(x, w, b, { shape: [3], eps: 1e-5 }).toArray());
    const row = [1, 2, 4];
    const mean = 7 / 3;
    const sd = Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / 3 + 1e-5);
    for (const [j, v] of (y.toArray() as number[][])[0].entries()) {
      expect(v).toBeCloseTo(((row[j] - mean) / sd) * [1, 2, 3][j] + [0, 1, 0][j], 5);
    }
    expect(() => layerNorm(x)).toThrow(
      'layer_norm needs shape (the normalised trailing dims) when it has no weight',
    );
    expect(() => layerNorm(x, tensor([1, 2]))).toThrow(
      'layer_norm: the normalised shape [2] does not match the trailing axes of input [2, 3]',
    );
  });

  it('embedding(ids, w, { paddingIdx }), gather(x, index, { axis }), oneHot(ids, { classes })', () => {
    const w = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tensor(Int32Array.from([2, 0, 2]), { shape: [3] });
    expect(embedding(ids, w, { paddingIdx: 0 }).toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(w.gather(tensor(Int32Array.from([1, 0, 0]), { shape: [3, 1] }), 1).toArray()).toEqual([
      [2],
      [3],
      [5],
    ]);
    expect(
      gather(w, tensor(Int32Array.from([2, 2]), { shape: [1, 2] }), { axis: 0 }).toArray(),
    ).toEqual([[5, 6]]);
    expect(oneHot(ids, { classes: 3 }).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(oneHot(ids, { classes: 3 }).dtype).toBe('int32');
    expect(() => oneHot(ids, { classes: 2 })).toThrow(
      'one_hot: input[0] = 2 is out of range for 2 classes (expected 0..1)',
    );
    expect(() => embedding(tensor([0.5]), w)).toThrow(/embedding needs int32 ids/);
  });
});
