import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linear, matmul, randn, type Tensor } from '../../src/index.js';
import { matmulKernel, setMatmulKernel } from '../../src/kernels/backend.js';
import { type MatmulKernel, matmulReference } from '../../src/kernels/matmul.js';
import { createWasmMatmul } from '../../src/kernels/matmul-wasm.js';
import { builtWasmKernels } from '../kernels/wasm-build.js';

let previous: MatmulKernel;
let wasm: MatmulKernel;

beforeAll(() => {
  builtWasmKernels();
  wasm = createWasmMatmul() as MatmulKernel;
  previous = matmulKernel();
});

afterAll(() => setMatmulKernel(previous));

/** Output and input gradients of sum(f(a, b)·w) in float32 with the given kernel. */
function run(kernel: MatmulKernel, f: (a: Tensor, b: Tensor) => Tensor, shapes: number[][]) {
  setMatmulKernel(kernel);
  const [a, b] = shapes.map((s, i) => randn(s, { seed: 10 + i, requiresGrad: true }));
  const out = f(a, b);
  out
    .mul(randn(out.shape, { seed: 99 }))
    .sum()
    .backward();
  return [out.storage, a.grad!.storage, b.grad!.storage];
}

// The batched loop hands the kernel subarray views and accumulates broadcast gradients:
// the wasm backend must give the reference kernel's numbers on every path.
describe('matmul and linear on the wasm backend agree with the reference kernel', () => {
  const cases: [string, (a: Tensor, b: Tensor) => Tensor, number[][]][] = [
    [
      '2-D',
      matmul,
      [
        [17, 9],
        [9, 13],
      ],
    ],
    [
      'batch @ shared matrix',
      matmul,
      [
        [3, 5, 8],
        [8, 6],
      ],
    ],
    [
      'batch @ batch',
      matmul,
      [
        [3, 5, 8],
        [3, 8, 6],
      ],
    ],
    [
      'broadcast batch dims',
      matmul,
      [
        [2, 1, 5, 8],
        [3, 8, 6],
      ],
    ],
    ['vector · batch', matmul, [[8], [4, 8, 6]]],
    [
      'linear on a 3-D input',
      (x, w) => linear(x, w),
      [
        [2, 7, 8],
        [5, 8],
      ],
    ],
  ];
  for (const [name, f, shapes] of cases) {
    it(name, () => {
      const reference = run(matmulReference, f, shapes);
      const fast = run(wasm, f, shapes);
      reference.forEach((r, i) => {
        expect(fast[i].length).toBe(r.length);
        r.forEach((v, j) => {
          expect(Math.abs(fast[i][j] - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v)));
        });
      });
    });
  }
});
