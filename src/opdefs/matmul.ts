import { batchedMatmul } from '../kernels/batched-matmul.js';
import type { Storage } from '../tensor/dtype.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { commonDtype, floatDtype, matmulShape } from './shape-rules.js';

/** How matmul reads its operands at run time: batch dims, matrix dims. */
interface MatmulLayout {
  aBatch: number[];
  bBatch: number[];
  batch: number[];
  m: number;
  k: number;
  n: number;
}

const at = (data: Storage, batch: number[]) => ({ data, batch });

export default defineOp<Record<string, never>, MatmulLayout>({
  name: 'matmul',
  family: 'linear algebra',
  doc: 'torch.matmul: 2-D, batched with broadcast batch dims, and 1-D operands (a 1-D left operand is a row, a 1-D right operand a column, the added axis dropped)',
  gradient: 'G·Bᵀ and Aᵀ·G, summed over broadcast batch dims',
  operands: ['input', 'other'],
  infer(args, _attrs, mode) {
    const shape = matmulShape(args[0], args[1]);
    const dtype =
      mode === 'compile'
        ? floatDtype('matmul', args, ['input', 'other'], mode)
        : commonDtype('matmul', args, mode);
    return { shape, dtype };
  },
  prepare([aShape, bShape]) {
    const aMat = aShape.length === 1 ? [1, aShape[0]] : aShape;
    const bMat = bShape.length === 1 ? [bShape[0], 1] : bShape;
    const aBatch = aMat.slice(0, -2);
    const bBatch = bMat.slice(0, -2);
    const rank = Math.max(aBatch.length, bBatch.length);
    const batch: number[] = [];
    for (let i = 0; i < rank; i++) {
      const da = aBatch[aBatch.length - rank + i] ?? 1;
      const db = bBatch[bBatch.length - rank + i] ?? 1;
      batch.push(da === 1 ? db : da);
    }
    return {
      aBatch,
      bBatch,
      batch,
      m: aMat[aMat.length - 2],
      k: aMat[aMat.length - 1],
      n: bMat[bMat.length - 1],
    };
  },
  forward({ inputs: [a, b], out, prepared: p }) {
    batchedMatmul(at(a, p.aBatch), at(b, p.bBatch), at(out, p.batch), p.batch, p, false, false);
  },
  backward({ inputs: [a, b], grad, grads: [ga, gb], prepared: p }) {
    const { m, k, n } = p;
    // dA = G·Bᵀ, dB = Aᵀ·G; a broadcast operand's gradient is summed over its batch dims.
    if (ga)
      batchedMatmul(
        at(grad, p.batch),
        at(b, p.bBatch),
        at(ga, p.aBatch),
        p.batch,
        { m, k: n, n: k },
        false,
        true,
      );
    if (gb)
      batchedMatmul(
        at(a, p.aBatch),
        at(grad, p.batch),
        at(gb, p.bBatch),
        p.batch,
        { m: k, k: m, n },
        true,
        false,
      );
  },
  saves: [0, 1],
  torch: 'torch.matmul(input, other)',
  onnx: 'MatMul',
  examples: [
    { name: '[3,4] @ [4,5]', inputs: [randn([3, 4]), randn([4, 5])] },
    { name: 'batched [2,3,4] @ [2,4,5]', inputs: [randn([2, 3, 4]), randn([2, 4, 5])] },
    { name: 'batched [2,3,4] @ [4,5]', inputs: [randn([2, 3, 4]), randn([4, 5])] },
    {
      name: 'broadcast batch [2,1,3,4] @ [3,4,2]',
      inputs: [randn([2, 1, 3, 4]), randn([3, 4, 2])],
    },
    { name: '[4] @ [4,3]', inputs: [randn([4]), randn([4, 3])] },
    { name: '[3,4] @ [4]', inputs: [randn([3, 4]), randn([4])] },
    { name: '[4] @ [4]', inputs: [randn([4]), randn([4])] },
    { name: '[4] @ [2,4,3]', inputs: [randn([4]), randn([2, 4, 3])] },
    { name: '[2,3,4] @ [4]', inputs: [randn([2, 3, 4]), randn([4])] },
  ],
});
