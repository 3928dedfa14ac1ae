import { describe, expect, it } from 'vitest';
import {
  bceWithLogits,
  binaryCrossEntropy,
  crossEntropy,
  DTypeError,
  l1Loss,
  logSoftmax,
  mseLoss,
  type NestedArray,
  nllLoss,
  Rng,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '../../src/index.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';

const labels = (values: NestedArray) => tensor(values, { dtype: 'int32' });

/** A float64 leaf of values in (lo, hi): probabilities and 0/1-ish targets for the BCE checks. */
function uniformInput(shape: number[], seed: number, lo = 0.05, hi = 0.95): Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float64Array.from({ length: size }, () => lo + (hi - lo) * rng.uniform()),
    { shape, requiresGrad: true },
  );
}

describe('reductions shared by every loss', () => {
  it("defaults to 'mean' with a result of shape [], and accepts 'sum' and 'none'", () => {
    const x = tensor([1, 2, 3]);
    const t = tensor([1, 0, 0]);
    const mean = mseLoss(x, t);
    expect(mean.shape).toEqual([]);
    expect(mean.item()).toBeCloseTo(13 / 3, 6);
    expect(mseLoss(x, t, { reduction: 'sum' }).item()).toBe(13);
    const none = mseLoss(x, t, { reduction: 'none' });
    expect(none.shape).toEqual([3]);
    expect(none.toArray()).toEqual([0, 4, 9]);
  });

  it('rejects an unknown reduction', () => {
    const run = () => mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as unknown as 'mean' });
    expect(run).toThrow(ValueError);
    expect(run).toThrow(`mse_loss: reduction must be one of 'mean', 'sum', 'none', got 'avg'`);
  });
});

describe('mseLoss', () => {
  it('has gradFn MseLossBackward and gradients for input and a grad-requiring target', () => {
    expect(mseLoss(randomInput([3], 1), tensor([0, 0, 0])).gradFn?.name).toBe('MseLossBackward');
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck(
        (x, t) => mseLoss(x, t, { reduction }),
        [randomInput([2, 3], 2), randomInput([2, 3], 3)],
      );
    }
  });

  it('gives a target that does not require grad no gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const t = tensor([0, 0]);
    mseLoss(x, t).backward();
    expect(t.grad).toBeNull();
    expect(x.grad?.toArray()).toEqual([1, 2]);
  });

  it('throws on different shapes instead of broadcasting (torch only warns)', () => {
    const run = () => mseLoss(tensor([[1, 2]]), tensor([1, 2]));
    expect(run).toThrow(ShapeError);
    expect(run).toThrow('mse_loss needs input and target of one shape, got [1, 2] and [2]');
  });

  it('wants a float target', () => {
    expect(() => mseLoss(tensor([1, 2]), labels([1, 2]))).toThrow(DTypeError);
    expect(() => mseLoss(tensor([1, 2]), labels([1, 2]))).toThrow(
      /mse_loss needs a float target, got int32/,
    );
  });
});

describe('l1Loss', () => {
  it('is the mean absolute error with gradient sign(x − t), 0 at a tie', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const loss = l1Loss(x, tensor([1, 0, 5]));
    expect(loss.item()).toBeCloseTo(4 / 3, 6);
    expect(loss.gradFn?.name).toBe('L1LossBackward');
    loss.backward();
    const g = x.grad!.toArray() as number[];
    expect(g[0]).toBe(0);
    expect(g[1]).toBeCloseTo(1 / 3, 6);
    expect(g[2]).toBeCloseTo(-1 / 3, 6);
  });

  it('has correct gradients for input and target', () => {
    gradcheck((x, t) => l1Loss(x, t), [randomInput([3, 2], 4), randomInput([3, 2], 5)]);
    gradcheck(
      (x, t) => l1Loss(x, t, { reduction: 'none' }),
      [randomInput([4], 6), randomInput([4], 7)],
    );
  });
});

describe('crossEntropy', () => {
  it('is the mean of −log_softmax at the target class', () => {
    const lse = (v: number[]) => Math.log(v.reduce((s, x) => s + Math.exp(x), 0));
    const loss = crossEntropy(
      tensor([
        [1, 2, 3],
        [1, 1, 1],
      ]),
      labels([2, 0]),
    );
    expect(loss.shape).toEqual([]);
    const expected = (-(3 - lse([1, 2, 3])) - (1 - lse([1, 1, 1]))) / 2;
    expect(loss.item()).toBeCloseTo(expected, 6);
    const none = crossEntropy(
      tensor([
        [1, 2, 3],
        [1, 1, 1],
      ]),
      labels([2, 0]),
      {
        reduction: 'none',
      },
    );
    expect(none.shape).toEqual([2]);
    expect((none.toArray() as number[])[1]).toBeCloseTo(Math.log(3), 6);
  });

  it('takes [C] logits with a scalar target', () => {
    const loss = crossEntropy(tensor([0, 0, 0, 0]), labels(1));
    expect(loss.shape).toEqual([]);
    expect(loss.item()).toBeCloseTo(Math.log(4), 6);
  });

  it('takes [N, C, d] logits with [N, d] targets, class axis 1 as torch', () => {
    const x = randomInput([2, 3, 4], 1);
    const t = labels([
      [0, 1, 2, 0],
      [2, 2, 1, 0],
    ]);
    const full = crossEntropy(x, t, { reduction: 'none' });
    expect(full.shape).toEqual([2, 4]);
    const lp = logSoftmax(x, { axis: 1 }).toArray() as number[][][];
    const tv = t.toArray() as number[][];
    (full.toArray() as number[][]).forEach((row, n) => {
      row.forEach((v, d) => {
        expect(v).toBeCloseTo(-lp[n][tv[n][d]][d], 10);
      });
    });
  });

  it('has gradFn CrossEntropyBackward and correct gradients', () => {
    const t = labels([0, 2, 1, 2]);
    expect(crossEntropy(randomInput([4, 3], 1), t).gradFn?.name).toBe('CrossEntropyBackward');
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((x) => crossEntropy(x, t, { reduction }), [randomInput([4, 3], 2)]);
    }
    gradcheck((x) => crossEntropy(x, labels(2)), [randomInput([3], 3)]);
    gradcheck(
      (x) =>
        crossEntropy(
          x,
          labels([
            [0, 1],
            [2, 0],
          ]),
        ),
      [randomInput([2, 3, 2], 4)],
    );
  });

  it('stays finite and correct at magnitude 1000', () => {
    const x = tensor(
      [
        [1000, 0, -1000],
        [0, 1000, -1000],
      ],
      { requiresGrad: true },
    );
    const loss = crossEntropy(x, labels([0, 0]));
    expect(loss.item()).toBeCloseTo(500, 3);
    loss.backward();
    const g = x.grad!.toArray() as number[][];
    expect(g[0]).toEqual([0, 0, 0]);
    expect(g[1][0]).toBeCloseTo(-0.5, 6);
    expect(g[1][1]).toBeCloseTo(0.5, 6);
    expect(g.flat().every(Number.isFinite)).toBe(true);
  });

  it('refuses float targets with a DTypeError naming the op and dtype', () => {
    const run = () => crossEntropy(tensor([[1, 2]]), tensor([1]));
    expect(run).toThrow(DTypeError);
    expect(run).toThrow('cross_entropy needs int32 class indices as target, got float32 [1]');
  });

  it('names the index, the row and the number of classes for a class out of range', () => {
    const run = () =>
      crossEntropy(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        labels([0, 3]),
      );
    expect(run).toThrow(ValueError);
    expect(run).toThrow(
      'cross_entropy: target[1] = 3 is out of range for 3 classes (expected 0..2)',
    );
    expect(() => crossEntropy(tensor([[1, 2, 3]]), labels([-1]))).toThrow(/target\[0\] = -1/);
  });

  it('names both shapes when they do not fit', () => {
    const run = () =>
      crossEntropy(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        labels([0, 1, 2]),
      );
    expect(run).toThrow(ShapeError);
    expect(run).toThrow('cross_entropy: scores [2, 3] need a target of shape [2], got [3]');
  });
});

describe('nllLoss', () => {
  it('is −input[target], and equals crossEntropy after logSoftmax (values and gradients)', () => {
    expect(
      nllLoss(
        tensor([
          [-1, -2],
          [-3, -4],
        ]),
        labels([1, 0]),
      ).item(),
    ).toBeCloseTo(2.5, 6);
    const a = randomInput([4, 3], 5);
    const b = randomInput([4, 3], 5);
    const t = labels([2, 0, 1, 1]);
    const viaNll = nllLoss(logSoftmax(a), t);
    const direct = crossEntropy(b, t);
    expect(viaNll.gradFn?.name).toBe('NllLossBackward');
    expect(viaNll.item()).toBeCloseTo(direct.item(), 12);
    viaNll.backward();
    direct.backward();
    const ga = a.grad!.storage;
    b.grad!.storage.forEach((v, i) => {
      expect(ga[i]).toBeCloseTo(v, 12);
    });
  });

  it('has correct gradients', () => {
    const t = labels([1, 0, 2]);
    gradcheck((x) => nllLoss(x, t), [randomInput([3, 3], 6)]);
    gradcheck((x) => nllLoss(x, t, { reduction: 'none' }), [randomInput([3, 3], 7)]);
  });

  it('refuses float targets and classes out of range', () => {
    expect(() => nllLoss(tensor([[-1, -2]]), tensor([0]))).toThrow(
      'nll_loss needs int32 class indices as target, got float32',
    );
    expect(() => nllLoss(tensor([[-1, -2]]), labels([2]))).toThrow(
      'nll_loss: target[0] = 2 is out of range for 2 classes (expected 0..1)',
    );
  });
});

describe('binaryCrossEntropy', () => {
  it('is −(t·log p + (1 − t)·log(1 − p))', () => {
    const loss = binaryCrossEntropy(tensor([0.8, 0.3]), tensor([1, 0]));
    expect(loss.item()).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 6);
    expect(loss.gradFn).toBeNull();
  });

  it('clamps each log at −100 as torch does, so p = 0 or 1 stays finite', () => {
    const loss = binaryCrossEntropy(tensor([0, 1, 1]), tensor([1, 1, 0]), { reduction: 'none' });
    const values = loss.toArray() as number[];
    [100, 0, 100].forEach((v, i) => {
      expect(values[i]).toBeCloseTo(v, 10);
    });
  });

  it('has gradFn BinaryCrossEntropyBackward and gradients for probabilities and target', () => {
    const p = uniformInput([3, 2], 1);
    expect(
      binaryCrossEntropy(
        p,
        tensor([
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
      ).gradFn?.name,
    ).toBe('BinaryCrossEntropyBackward');
    gradcheck(
      (x, t) => binaryCrossEntropy(x, t),
      [uniformInput([3, 2], 2), uniformInput([3, 2], 3)],
    );
    gradcheck(
      (x, t) => binaryCrossEntropy(x, t, { reduction: 'sum' }),
      [uniformInput([4], 4), uniformInput([4], 5)],
    );
  });

  it('rejects values outside [0, 1], naming where', () => {
    const run = () => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]));
    expect(run).toThrow(ValueError);
    expect(run).toThrow(/binary_cross_entropy: input\[1\] = 1\.5 is not a probability in \[0, 1\]/);
  });
});

describe('bceWithLogits', () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));

  it('equals binary cross-entropy of sigmoid(x)', () => {
    const x = [0.5, -1.2, 2];
    const t = [1, 0, 0.3];
    const expected =
      x.reduce(
        (s, xi, i) => s - (t[i] * Math.log(sig(xi)) + (1 - t[i]) * Math.log(1 - sig(xi))),
        0,
      ) / 3;
    expect(bceWithLogits(tensor(x), tensor(t)).item()).toBeCloseTo(expected, 6);
  });

  it('stays finite and correct at magnitude 1000', () => {
    const x = tensor([1000, -1000, 1000, -1000], { requiresGrad: true });
    const loss = bceWithLogits(x, tensor([0, 1, 1, 0]), { reduction: 'none' });
    expect(loss.toArray()).toEqual([1000, 1000, 0, 0]);
    loss.sum().backward();
    expect(x.grad?.toArray()).toEqual([1, -1, 0, 0]);
  });

  it('has gradFn BinaryCrossEntropyWithLogitsBackward and gradients for logits and target', () => {
    expect(bceWithLogits(randomInput([2], 1), tensor([1, 0])).gradFn?.name).toBe(
      'BinaryCrossEntropyWithLogitsBackward',
    );
    gradcheck((x, t) => bceWithLogits(x, t), [randomInput([3, 2], 2, 3), uniformInput([3, 2], 3)]);
    gradcheck(
      (x, t) => bceWithLogits(x, t, { reduction: 'none' }),
      [randomInput([5], 4, 3), uniformInput([5], 5)],
    );
  });

  it('needs input and target of one shape', () => {
    expect(() => bceWithLogits(tensor([1, 2]), tensor([[1, 0]]))).toThrow(
      'bce_with_logits needs input and target of one shape, got [2] and [1, 2]',
    );
  });
});

describe('loss methods on Tensor', () => {
  it('call the same ops', () => {
    const x = tensor([[0.2, 0.7]]);
    const t = tensor([[0, 1]]);
    expect(x.mseLoss(t).item()).toBeCloseTo(mseLoss(x, t).item(), 12);
    expect(x.l1Loss(t, { reduction: 'sum' }).item()).toBeCloseTo(0.5, 6);
    expect(x.binaryCrossEntropy(t).item()).toBeCloseTo(binaryCrossEntropy(x, t).item(), 12);
    expect(x.bceWithLogits(t).item()).toBeCloseTo(bceWithLogits(x, t).item(), 12);
    expect(x.crossEntropy(labels([1])).item()).toBeCloseTo(crossEntropy(x, labels([1])).item(), 12);
    expect(x.nllLoss(labels([0])).item()).toBeCloseTo(-0.2, 6);
  });
});
