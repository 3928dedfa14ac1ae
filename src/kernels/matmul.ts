import type { NumArray } from './types.js';

/**
 * out[m×n] (= or +=) op(A)[m×k] · op(B)[k×n], row-major. With transA, `a` is stored k×m; with
 * transB, `b` is stored n×k: the backward pass needs Aᵀ·G and G·Bᵀ without building transposes.
 * This is the reference kernel: faster backends must agree with it.
 */
export type MatmulKernel = (
  a: NumArray,
  b: NumArray,
  out: NumArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
) => void;

export const matmulReference: MatmulKernel = (a, b, out, m, k, n, transA, transB, accumulate) => {
  if (!accumulate) out.fill(0, 0, m * n);
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  if (!transB) {
    // i-p-j order streams rows of B and out, the fastest plain-JS loop for row-major data.
    for (let i = 0; i < m; i++) {
      const o = i * n;
      for (let p = 0; p < k; p++) {
        const av = a[i * aRow + p * aCol];
        const bo = p * n;
        for (let j = 0; j < n; j++) out[o + j] += av * b[bo + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bo = j * k;
      for (let p = 0; p < k; p++) s += a[i * aRow + p * aCol] * b[bo + p];
      out[i * n + j] += s;
    }
  }
};
