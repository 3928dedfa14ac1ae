import { describe, expect, it } from 'vitest';
import { linear, matmul, ShapeError, type Tensor, tensor } from '../../src/index.js';
import { matmulKernel, setMatmulKernel } from '../../src/kernels/backend.js';
import { type MatmulKernel, matmulReference } from '../../src/kernels/matmul.js';
import { gradcheck, randomInput } from '../helpers/gradcheck.js';

/** Plain triple loop over nested arrays: the reference the batched cases are compared with. */
function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, p) => s + v * b[p][j], 0)));
}

function close(t: Tensor, expected: unknown): void {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const got = flat(t.toArray());
  const want = flat(expected);
  expect(got.length).toBe(want.length);
  for (const [i, g] of got.entries()) expect(g).toBeCloseTo(want[i], 10);
}

describe('matmul forward', () => {
  it('multiplies 2-D matrices', () => {
    const out = matmul(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([
        [7, 8],
        [9, 10],
        [11, 12],
      ]),
    );
    expect(out.shape).toEqual([2, 2]);
    expect(out.toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });

  it('follows torch for 1-D operands', () => {
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
    const mv = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([5, 6]),
    );
    expect(mv.shape).toEqual([2]);
    expect(mv.toArray()).toEqual([17, 39]);
    const vm = matmul(
      tensor([5, 6]),
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(vm.shape).toEqual([2]);
    expect(vm.toArray()).toEqual([23, 34]);
  });

  it('treats a 1-D operand beside a batch as torch does', () => {
    const v = randomInput([4], 1);
    const batch = randomInput([3, 4, 5], 2);
    const vv = v.toArray() as number[];
    const left = matmul(v, batch);
    expect(left.shape).toEqual([3, 5]);
    close(
      left,
      (batch.toArray() as number[][][]).map((bi) => naive([vv], bi)[0]),
    );
    const rows = randomInput([3, 2, 4], 3);
    const right = matmul(rows, v);
    expect(right.shape).toEqual([3, 2]);
    close(
      right,
      (rows.toArray() as number[][][]).map((ri) =>
        naive(
          ri,
          vv.map((x) => [x]),
        ).map((r) => r[0]),
      ),
    );
  });

  it('broadcasts batch dims and matches a per-batch product', () => {
    const a = randomInput([2, 1, 3, 4], 4);
    const b = randomInput([5, 4, 2], 5);
    const out = matmul(a, b);
    expect(out.shape).toEqual([2, 5, 3, 2]);
    const av = a.toArray() as number[][][][];
    const bv = b.toArray() as number[][][];
    const expected = av.map((ai) => bv.map((bj) => naive(ai[0], bj)));
    close(out, expected);
  });

  it('multiplies a batch by a shared matrix ([b, n, k] @ [k, m]) like separate products', () => {
    const a = randomInput([3, 2, 4], 6);
    const w = randomInput([4, 5], 7);
    const av = a.toArray() as number[][][];
    const wv = w.toArray() as number[][];
    close(
      matmul(a, w),
      av.map((ai) => naive(ai, wv)),
    );
  });

  it('names its gradFn MatmulBackward and gives no gradient to a constant operand', () => {
    const a = randomInput([2, 3], 8);
    const b = tensor([[1], [2], [3]]);
    const out = matmul(a, b);
    expect(out.gradFn?.name).toBe('MatmulBackward');
    out.sum().backward();
    expect(b.grad).toBeNull();
    expect(a.grad?.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
});

describe('matmul gradients (float64 finite differences)', () => {
  const cases: [string, number[], number[]][] = [
    ['2-D', [3, 4], [4, 2]],
    ['batch @ shared matrix', [2, 3, 4], [4, 5]],
    ['shared matrix @ batch', [3, 4], [2, 4, 5]],
    ['batch @ batch', [2, 3, 4], [2, 4, 2]],
    ['broadcast batch dims on both sides', [2, 1, 3, 4], [3, 4, 2]],
    ['batch dim 1 against a batch', [1, 3, 4], [4, 4, 2]],
    ['vector · vector', [4], [4]],
    ['matrix · vector', [3, 4], [4]],
    ['vector · matrix', [4], [4, 3]],
    ['vector · batch', [4], [2, 4, 3]],
    ['batch · vector', [2, 3, 4], [4]],
  ];
  for (const [name, aShape, bShape] of cases) {
    it(name, () => {
      gradcheck(matmul, [randomInput(aShape, 11), randomInput(bShape, 12)]);
    });
  }
});

describe('matmul errors', () => {
  it('names both shapes and the inner dims', () => {
    const run = () =>
      matmul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        randomInput([4, 5], 1),
      );
    expect(run).toThrow(ShapeError);
    expect(run).toThrow('matmul shapes do not fit: [2, 3] @ [4, 5] (inner dims 3 and 4 differ)');
  });

  it('reports batch dims that do not broadcast', () => {
    expect(() => matmul(randomInput([2, 3, 4], 1), randomInput([3, 4, 5], 2))).toThrow(
      /matmul batch dims do not broadcast: \[2, 3, 4\] @ \[3, 4, 5\] \(2 vs 3 differ\)/,
    );
  });

  it('refuses scalars', () => {
    expect(() => matmul(tensor(2), tensor([1, 2]))).toThrow(ShapeError);
  });
});

describe('linear', () => {
  const w = () =>
    tensor([
      [1, 0, 2],
      [0, 1, -1],
    ]);

  it('computes x·Wᵀ + b', () => {
    const out = linear(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      w(),
      tensor([10, 20]),
    );
    expect(out.shape).toEqual([2, 2]);
    expect(out.toArray()).toEqual([
      [17, 19],
      [26, 19],
    ]);
  });

  it('works without a bias, on a 1-D input and on a 3-D input', () => {
    expect(linear(tensor([1, 2, 3]), w()).toArray()).toEqual([7, -1]);
    const x3 = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const out = linear(x3, w(), null);
    expect(out.shape).toEqual([2, 1, 2]);
    expect(out.toArray()).toEqual([[[7, -1]], [[16, -1]]]);
  });

  it('is a Tensor method with gradFn LinearBackward', () => {
    const x = randomInput([2, 3], 1);
    const out = x.linear(w(), tensor([0, 0]));
    expect(out.gradFn?.name).toBe('LinearBackward');
  });

  it('has correct gradients for x, weight and bias', () => {
    gradcheck(linear, [randomInput([4, 3], 1), randomInput([2, 3], 2), randomInput([2], 3)]);
  });

  it('has correct gradients without a bias', () => {
    gradcheck((x, weight) => linear(x, weight), [randomInput([4, 3], 4), randomInput([5, 3], 5)]);
  });

  it('has correct gradients with a 3-D input and a 1-D input', () => {
    gradcheck(linear, [randomInput([2, 3, 4], 6), randomInput([5, 4], 7), randomInput([5], 8)]);
    gradcheck(linear, [randomInput([4], 9), randomInput([2, 4], 10), randomInput([2], 11)]);
  });

  it('rejects shapes that do not fit, naming them', () => {
    expect(() => linear(randomInput([2, 4], 1), w())).toThrow(ShapeError);
    expect(() => linear(randomInput([2, 4], 1), w())).toThrow(
      /linear shapes do not fit: input \[2, 4\] with weight \[2, 3\] \(in features 4 and 3 differ\)/,
    );
    expect(() => linear(randomInput([2, 3], 1), w(), tensor([1, 2, 3]))).toThrow(
      /linear needs a bias of shape \[2\] for weight \[2, 3\], got \[3\]/,
    );
    expect(() => linear(randomInput([2, 3], 1), tensor([1, 2, 3]))).toThrow(
      /linear needs a 2-D weight \[out, in\]/,
    );
  });
});

describe('matmul through the kernel backend', () => {
  it('computes the backward with the transposed kernel modes, not transposed copies', () => {
    const calls: [boolean, boolean][] = [];
    const spy: MatmulKernel = (a, b, out, m, k, n, transA, transB, accumulate) => {
      calls.push([transA, transB]);
      matmulReference(a, b, out, m, k, n, transA, transB, accumulate);
    };
    const previous = matmulKernel();
    setMatmulKernel(spy);
    try {
      matmul(randomInput([3, 4], 1), randomInput([4, 2], 2))
        .sum()
        .backward();
    } finally {
      setMatmulKernel(previous);
    }
    expect(calls).toEqual([
      [false, false],
      [false, true],
      [true, false],
    ]);
  });
});
