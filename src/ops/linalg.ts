import { record } from '../autograd/node.js';
import { matmulKernel } from '../kernels/backend.js';
import { type BatchedOperand, batchedMatmul } from '../kernels/batched-matmul.js';
import { mapBinary } from '../kernels/elementwise.js';
import { sumAxis } from '../kernels/reduce.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { promote } from '../tensor/dtype.js';
import { formatShape, ShapeError } from '../tensor/errors.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';
import { empty } from './util.js';

/** How matmul reads its operands: batch dims, matrix dims, and the result's shape. */
interface MatmulPlan {
  aBatch: number[];
  bBatch: number[];
  batch: number[];
  m: number;
  k: number;
  n: number;
  shape: number[];
}

/**
 * torch.matmul's shape rules: a 1-D left operand is a row [1, k] and a 1-D right operand a
 * column [k, 1], the added axis dropped from the result; the dims before the last two are batch
 * dims and broadcast.
 */
function planMatmul(aShape: Shape, bShape: Shape): MatmulPlan {
  const misfit = (why: string) =>
    new ShapeError(`matmul: shapes ${formatShape(aShape)} and ${formatShape(bShape)} ${why}`);
  if (aShape.length === 0 || bShape.length === 0) {
    throw misfit('do not fit (both operands need at least 1 dimension, got a scalar)');
  }
  const aMat = aShape.length === 1 ? [1, aShape[0]] : aShape;
  const bMat = bShape.length === 1 ? [bShape[0], 1] : bShape;
  const [m, k] = aMat.slice(-2);
  const [kb, n] = bMat.slice(-2);
  if (k !== kb) throw misfit(`do not fit (inner dims ${k} and ${kb})`);
  const aBatch = aMat.slice(0, -2);
  const bBatch = bMat.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = aBatch[aBatch.length - rank + i] ?? 1;
    const db = bBatch[bBatch.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw misfit(
        `do not fit (batch dims ${formatShape(aBatch)} and ${formatShape(bBatch)} do not broadcast)`,
      );
    }
    batch.push(da === 1 ? db : da);
  }
  const shape = [...batch];
  if (aShape.length > 1) shape.push(m);
  if (bShape.length > 1) shape.push(n);
  return { aBatch, bBatch, batch, m, k, n, shape };
}

const at = (t: Tensor, batch: number[]): BatchedOperand => ({ data: t.storage, batch });

/**
 * Matrix product with torch.matmul's semantics: 2-D, batched with broadcast batch dims, and 1-D
 * operands (vector·vector gives a scalar of shape []). The backward pass uses G·Bᵀ and Aᵀ·G
 * through the kernel's transposed modes; a broadcast operand's gradient is summed back.
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const plan = planMatmul(x.shape, y.shape);
  const { aBatch, bBatch, batch, m, k, n } = plan;
  const out = empty(plan.shape, promote(x.dtype, y.dtype));
  batchedMatmul(at(x, aBatch), at(y, bBatch), at(out, batch), batch, { m, k, n }, false, false);
  return record(
    'MatmulBackward',
    [x, y],
    out,
    (g) => {
      let gx: Tensor | null = null;
      let gy: Tensor | null = null;
      if (x.requiresGrad) {
        gx = empty(x.shape, g.dtype);
        // dA = G·Bᵀ
        batchedMatmul(
          at(g, batch),
          at(y, bBatch),
          at(gx, aBatch),
          batch,
          { m, k: n, n: k },
          false,
          true,
        );
      }
      if (y.requiresGrad) {
        gy = empty(y.shape, g.dtype);
        // dB = Aᵀ·G
        batchedMatmul(
          at(x, aBatch),
          at(g, batch),
          at(gy, bBatch),
          batch,
          { m: k, k: m, n },
          true,
          false,
        );
      }
      return [gx, gy];
    },
    [x, y],
  );
}

/**
 * torch.nn.functional.linear: x [..., in] · weightᵀ (+ bias), weight [out, in], bias [out];
 * a 1-D x gives a 1-D result. The batch dims of x are flattened into the rows of one product.
 */
export function linear(x: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor {
  const input = asTensor(x);
  const w = asTensor(weight);
  const b = bias === undefined || bias === null ? null : asTensor(bias);
  const shapes = () =>
    `input ${formatShape(input.shape)}, weight ${formatShape(w.shape)}` +
    (b ? `, bias ${formatShape(b.shape)}` : '');
  if (w.rank !== 2) {
    throw new ShapeError(`linear: weight must be 2-D [out, in] (${shapes()})`);
  }
  const [outFeatures, inFeatures] = w.shape;
  if (input.rank === 0 || input.shape[input.rank - 1] !== inFeatures) {
    throw new ShapeError(
      `linear: the last dim of the input must be weight's in features ${inFeatures} (${shapes()})`,
    );
  }
  if (b && (b.rank !== 1 || b.shape[0] !== outFeatures)) {
    throw new ShapeError(`linear: bias must have shape [${outFeatures}] (${shapes()})`);
  }
  const rows = sizeOf(input.shape.slice(0, -1));
  const dtype = promote(promote(input.dtype, w.dtype), b ? b.dtype : w.dtype);
  const out = empty([...input.shape.slice(0, -1), outFeatures], dtype);
  const kernel = matmulKernel();
  kernel(input.storage, w.storage, out.storage, rows, inFeatures, outFeatures, false, true, false);
  if (b) {
    const dims = [rows, outFeatures];
    mapBinary(out.storage, dims, b.storage, b.shape, out.storage, dims, (u, v) => u + v);
  }
  const inputs = b ? [input, w, b] : [input, w];
  return record(
    'LinearBackward',
    inputs,
    out,
    (g) => {
      let gx: Tensor | null = null;
      let gw: Tensor | null = null;
      let gb: Tensor | null = null;
      if (input.requiresGrad) {
        gx = empty(input.shape, g.dtype);
        kernel(
          g.storage,
          w.storage,
          gx.storage,
          rows,
          outFeatures,
          inFeatures,
          false,
          false,
          false,
        );
      }
      if (w.requiresGrad) {
        gw = empty(w.shape, g.dtype);
        kernel(
          g.storage,
          input.storage,
          gw.storage,
          outFeatures,
          rows,
          inFeatures,
          true,
          false,
          false,
        );
      }
      if (b?.requiresGrad) {
        gb = empty(b.shape, g.dtype);
        sumAxis(g.storage, [rows, outFeatures], 0, gb.storage);
      }
      return b ? [gx, gw, gb] : [gx, gw];
    },
    [input, w],
  );
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    matmul(other: TensorLike): Tensor;
    linear(weight: TensorLike, bias?: TensorLike | null): Tensor;
  }
}

defineMethods({ matmul, linear });
