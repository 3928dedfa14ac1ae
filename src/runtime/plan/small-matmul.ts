import { matmulKernel } from '../../kernels/backend.js';
import type { MatmulKernel } from '../../kernels/matmul.js';
import { matmulReference } from '../../kernels/matmul.js';

/**
 * out[m×n] = op(a)·op(b) on Float32Arrays, with the arithmetic of matmulReference in the same
 * order (float32 accumulation in i-p-j order; a double dot product for a transposed b), so
 * results are bit-identical to it; specialised per layout, without its index arithmetic.
 */
export function smallMatmul(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  if (transB) {
    if (transA) {
      matmulReference(a, b, out, m, k, n, true, true, false);
      return;
    }
    for (let i = 0; i < m; i++) {
      const ao = i * k;
      for (let j = 0; j < n; j++) {
        const bo = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ao + p] * b[bo + p];
        out[i * n + j] = s;
      }
    }
    return;
  }
  out.fill(0, 0, m * n);
  if (transA) {
    for (let i = 0; i < m; i++) {
      const o = i * n;
      for (let p = 0; p < k; p++) {
        const av = a[p * m + i];
        const bo = p * n;
        for (let j = 0; j < n; j++) out[o + j] += av * b[bo + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      const bo = p * n;
      for (let j = 0; j < n; j++) out[o + j] += av * b[bo + j];
    }
  }
}

/**
 * The kernel for one product of the plan: the backend's, except that the reference kernel is
 * replaced by the specialised loops above (same numbers, fewer index computations). A faster
 * backend (the wasm SIMD kernel) is used for every size: it beats plain loops even at 16×4×16.
 */
export function planMatmul(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const kernel: MatmulKernel = matmulKernel();
  if (kernel === matmulReference) smallMatmul(a, b, out, m, k, n, transA, transB);
  else kernel(a, b, out, m, k, n, transA, transB, false);
}
