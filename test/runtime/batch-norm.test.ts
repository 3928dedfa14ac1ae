import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  backward,
  batchNorm,
  compileSpec,
  type Model,
  noGrad,
  tensor,
  ValueError,
} from '../../src/index.js';
import { loadCheckpoint, restoreWeights, saveCheckpoint } from '../../src/io/checkpoint.js';
import { Rng } from '../../src/tensor/rng.js';
import { compileError } from '../helpers/spec-error.js';
import { tempDir } from '../helpers/temp-dir.js';

// batch_norm's state in a model: the running statistics are updated once per train-mode
// forward (also when the plan re-runs a forward for a backward pass), read in eval mode, kept in
// checkpoints, and may only be buffers. Its numbers against torch are in the op's examples
// (test/opdefs) and in whole networks (test/runtime/parity.test.ts).

const SPEC = `modelspec: 1
name: bn
inputs:
  x: {shape: [batch, 3, 4]}
  y: {shape: [batch], dtype: int32}
layers:
  from: x
  to: logits
  stack:
    - batch_norm1d: {momentum: 0.2}
    - flatten
    - linear: 2
loss: cross_entropy(logits, y)
`;

function batch(seed: number, n = 5) {
  const rng = new Rng(seed);
  const values = Array.from({ length: n * 12 }, () => rng.normal() * 2 + 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  return {
    x: tensor(Float32Array.from(values), { shape: [n, 3, 4] }),
    y: tensor(y, { shape: [n] }),
  };
}

const snapshot = (model: Model) =>
  Object.fromEntries(model.namedBuffers().map(([name, b]) => [name, Array.from(b.storage)]));
const grads = (model: Model) => model.parameters().map((p) => Array.from(p.grad!.storage));

describe('batch_norm1d in a model', () => {
  it('makes torch-named parameters and buffers, with torch init', () => {
    const model = compileSpec(SPEC);
    expect(Object.keys(model.stateDict())).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.0.running_mean',
      'layers.0.running_var',
      'layers.0.num_batches_tracked',
      'layers.2.weight',
      'layers.2.bias',
    ]);
    expect(snapshot(model)).toEqual({
      'layers.0.running_mean': [0, 0, 0],
      'layers.0.running_var': [1, 1, 1],
      'layers.0.num_batches_tracked': [0],
    });
    expect(model.namedParameters()[0][1].toArray()).toEqual([1, 1, 1]);
    expect(model.namedParameters()[1][1].toArray()).toEqual([0, 0, 0]);
  });

  it('updates the running statistics once per train-mode forward, and not in eval mode', () => {
    for (const plan of [true, false]) {
      const model = compileSpec(SPEC, { plan });
      model.loss(batch(1));
      model.loss(batch(2));
      expect(snapshot(model)['layers.0.num_batches_tracked']).toEqual([2]);
      const after = snapshot(model);
      model.eval();
      noGrad(() => model.loss(batch(3)));
      model.loss(batch(3));
      expect(snapshot(model)).toEqual(after);
    }
  });

  it('updates them once when the plan re-runs a superseded forward for a backward pass', () => {
    // Two losses, then backward of the first: its forward runs again (its buffers were
    // reused), with the statistics it started from, and leaves them as the second left them.
    const replayed = compileSpec(SPEC, { seed: 5 });
    const first = replayed.loss(batch(1));
    replayed.loss(batch(2));
    const before = snapshot(replayed);
    backward(first);
    expect(snapshot(replayed)).toEqual(before);

    const straight = compileSpec(SPEC, { seed: 5 });
    backward(straight.loss(batch(1)));
    const straightGrads = grads(straight);
    straight.loss(batch(2));
    expect(grads(replayed)).toEqual(straightGrads);
    expect(snapshot(replayed)).toEqual(snapshot(straight));
    expect(snapshot(replayed)['layers.0.num_batches_tracked']).toEqual([2]);
  });

  it('re-runs an eval-mode forward on the statistics it read, though training changed them since', () => {
    const replayed = compileSpec(SPEC, { seed: 5 }).eval();
    const first = replayed.loss(batch(1));
    replayed.train();
    replayed.loss(batch(2));
    backward(first);

    const straight = compileSpec(SPEC, { seed: 5 }).eval();
    backward(straight.loss(batch(1)));
    expect(grads(replayed)).toEqual(grads(straight));
  });

  it('normalises by the running statistics in eval mode', () => {
    const model = compileSpec(SPEC, { seed: 2 });
    model.loadStateDict({
      ...model.stateDict(),
      'layers.0.running_mean': tensor([1, -1, 0.5]),
      'layers.0.running_var': tensor([4, 0.25, 1]),
      'layers.0.weight': tensor([2, 1, 1]),
      'layers.0.bias': tensor([0, 1, 0]),
    });
    model.eval();
    const { x } = batch(4, 2);
    const normalised = model.run({ x }, ['layers.0'])['layers.0'];
    const eps = 1e-5;
    const want = (x.toArray() as number[][][]).map((row) =>
      row.map((channel, c) =>
        channel.map(
          (v) =>
            ((v - [1, -1, 0.5][c]) / Math.sqrt([4, 0.25, 1][c] + eps)) * [2, 1, 1][c] +
            [0, 1, 0][c],
        ),
      ),
    );
    const got = normalised.toArray() as number[][][];
    for (const [i, v] of got.flat(2).entries()) expect(v).toBeCloseTo(want.flat(2)[i], 5);
  });

  it('keeps its buffers in checkpoints (num_batches_tracked as an integer)', () => {
    const dir = tempDir('batch-norm');
    const model = compileSpec(SPEC, { seed: 1 });
    model.loss(batch(1));
    model.loss(batch(2));
    const path = dir.join('bn.safetensors');
    saveCheckpoint(path, model);
    const restored = compileSpec(SPEC, { seed: 9 });
    restoreWeights(restored, loadCheckpoint(path), path);
    expect(snapshot(restored)).toEqual(snapshot(model));
    expect(restored.stateDict()['layers.0.num_batches_tracked'].dtype).toBe('int32');
    model.eval();
    restored.eval();
    const { x } = batch(3);
    expect(restored.forward({ x }).logits.toArray()).toEqual(model.forward({ x }).logits.toArray());
  });
});

describe('batch_norm in the Tensor API', () => {
  const x = () =>
    tensor([
      [1, 2],
      [3, 5],
      [2, 0],
    ]);

  it('is in eval mode unless told, as F.batch_norm', () => {
    const mean = tensor([1, 1]);
    const variance = tensor([4, 1]);
    const out = batchNorm(x(), mean, variance);
    const want = (x().toArray() as number[][]).flatMap((r) =>
      r.map((v, c) => (v - 1) / Math.sqrt([4, 1][c] + 1e-5)),
    );
    for (const [i, v] of Array.from(out.storage).entries()) expect(v).toBeCloseTo(want[i], 6);
    expect(mean.toArray()).toEqual([1, 1]);
    expect(() => batchNorm(x())).toThrow(ValueError);
    expect(() => batchNorm(x())).toThrow('running_mean and running_var are needed in eval mode');
  });

  it('updates given running statistics in place while training, bumping their version', () => {
    const mean = tensor([0, 0]);
    const variance = tensor([1, 1]);
    const count = tensor(Int32Array.from([4]), { shape: [] });
    batchNorm(x(), mean, variance, null, null, count, { training: true, momentum: 0.5 });
    expect(mean.toArray()).toEqual([1, Math.fround(7 / 6)]);
    // unbiased variance of [1, 3, 2] is 1, of [2, 5, 0] is 19/3
    expect(variance.toArray()).toEqual([1, Math.fround(0.5 + (0.5 * 19) / 3)]);
    expect(count.item()).toBe(5);
    expect(mean.version.value).toBe(1);
  });

  it('takes null for absent operands before given ones', () => {
    const w = tensor([2, 3], { requiresGrad: true });
    const out = batchNorm(x(), null, null, w, null, { training: true });
    expect(out.shape).toEqual([3, 2]);
    out.sum().backward();
    expect((w.grad!.toArray() as number[]).every((v) => Math.abs(v) < 1e-6)).toBe(true);
  });

  it('refuses running statistics that require grad, and 1 value per channel while training', () => {
    const mean = tensor([0, 0], { requiresGrad: true });
    expect(() => batchNorm(x(), mean, tensor([1, 1]), { training: true })).toThrow(AutogradError);
    expect(() => batchNorm(x(), mean, tensor([1, 1]), { training: true })).toThrow(
      'batch_norm: running_mean is updated in place (state, not trained) and cannot be a tensor that requires grad',
    );
    expect(() => batchNorm(tensor([[1, 2]]), null, null, { training: true })).toThrow(
      'batch_norm: expected more than 1 value per channel when training, got input of shape [1, 2]',
    );
  });

  it('refuses per-channel operands of the wrong shape, naming them', () => {
    expect(() => batchNorm(x(), tensor([0, 0, 0]), tensor([1, 1, 1]))).toThrow(
      'batch_norm needs running_mean of shape [2] (the channels, axis 1 of input [3, 2]), got [3]',
    );
    expect(() => batchNorm(x(), tensor([0, 0]), null)).toThrow(
      'batch_norm takes running_mean and running_var together (both or neither)',
    );
  });
});

describe('batch_norm in a spec', () => {
  it('takes its running statistics only from buffers (MS225)', () => {
    const error = compileError(`modelspec: 1
name: bn-params
inputs:
  x: {shape: [batch, 4]}
parameters:
  mean: {shape: [4], init: zeros}
  var: {shape: [4], init: ones}
graph:
  h: batch_norm(x, mean, var)
`);
    expect(error.diagnostics[0]).toMatchObject({ code: 'MS225', line: 9, column: 20 });
    expect(error.diagnostics[0].message).toBe(
      "batch_norm updates its running_mean in place (state, never trained), so it must be a buffer, not 'mean'; the op's module kind makes its own",
    );
  });

  it('refuses an input of the wrong rank and a bare number, located at the stack entry', () => {
    const wrongRank = compileError(
      SPEC.replace('- batch_norm1d: {momentum: 0.2}', '- batch_norm2d'),
    );
    expect(wrongRank.diagnostics[0]).toMatchObject({ code: 'MS311', line: 10 });
    expect(wrongRank.diagnostics[0].message).toBe(
      "batch_norm2d needs an input [N, C, H, W], but 'x' is [batch, 3, 4]",
    );
    // torch's first argument is the channels, which come from the input: not taken as eps.
    const bare = compileError(SPEC.replace('- batch_norm1d: {momentum: 0.2}', '- batch_norm1d: 3'));
    expect(bare.diagnostics[0]).toMatchObject({ code: 'MS112', line: 10 });
    expect(bare.diagnostics[0].message).toMatch(/must be a mapping/);
  });
});
