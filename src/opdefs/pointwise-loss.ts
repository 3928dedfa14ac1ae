import { compileLoop } from '../kernels/elementwise-codegen.js';
import { sumAll } from '../kernels/reduce.js';
import type { NumArray } from '../kernels/types.js';
import { ValueError } from '../tensor/errors.js';
import { choice } from './attrs.js';
import { defineOp } from './define.js';
import { constant, exact, type OpExample, randn, uniform } from './examples.js';
import { position } from './position.js';
import { pairwiseLoss } from './shape-rules.js';
import type { OpDef } from './types.js';

/**
 * Losses that compare input and target element by element (both float, one shape; torch
 * broadcasts mse/l1 with a warning, here a mismatch is an error): the loss of one element as a
 * formula of x and t, and its derivatives in x and t. A float target that requires grad gets
 * its gradient too, as in torch.
 */
interface PointwiseRow {
  name: string;
  doc: string;
  f: string;
  dx: string;
  dt: string;
  torch: string;
  gradFn?: string;
  examples: OpExample[];
  /** A check of the inputs' values (binary_cross_entropy's probabilities). */
  checkInput?: (x: NumArray, shape: readonly number[]) => void;
}

const ROWS: readonly PointwiseRow[] = [
  {
    name: 'mse_loss',
    doc: 'the mean squared error (x − t)²',
    f: '(x - t) * (x - t)',
    dx: '2 * (x - t)',
    dt: '-2 * (x - t)',
    torch: 'F.mse_loss(input, target, reduction=reduction)',
    examples: [
      { name: '[4,3]', inputs: [randn([4, 3]), randn([4, 3])] },
      { name: '[5] with a constant target', inputs: [randn([5]), constant(randn([5]))] },
      {
        name: 'reduction sum',
        inputs: [randn([2, 3]), randn([2, 3])],
        attrs: { reduction: 'sum' },
      },
      {
        name: 'reduction none',
        inputs: [randn([2, 3]), randn([2, 3])],
        attrs: { reduction: 'none' },
      },
    ],
  },
  {
    name: 'l1_loss',
    doc: 'the mean absolute error |x − t|; the gradient is sign(x − t), 0 where x = t',
    f: 'abs(x - t)',
    dx: 'sign(x - t)',
    dt: '-sign(x - t)',
    torch: 'F.l1_loss(input, target, reduction=reduction)',
    examples: [
      { name: '[4,3]', inputs: [randn([4, 3]), randn([4, 3])] },
      {
        name: 'reduction sum',
        inputs: [randn([2, 3]), constant(randn([2, 3]))],
        attrs: { reduction: 'sum' },
      },
    ],
  },
  {
    name: 'binary_cross_entropy',
    doc: '−(t·log p + (1 − t)·log(1 − p)) for probabilities p in [0, 1], each log clamped at −100 as torch does',
    f: '(t - 1) * max(log1p(-x), -100) - t * max(log(x), -100)',
    dx: '(x - t) / max((1 - x) * x, 1e-12)',
    dt: 'log1p(-x) - log(x)',
    torch: 'F.binary_cross_entropy(input, target, reduction=reduction)',
    examples: [
      {
        name: 'soft targets',
        inputs: [uniform(0.05, 0.95, [4, 3]), constant(uniform(0, 1, [4, 3]))],
      },
      {
        name: 'reduction none',
        inputs: [uniform(0.05, 0.95, [2, 3]), constant(uniform(0, 1, [2, 3]))],
        attrs: { reduction: 'none' },
      },
    ],
    checkInput(x, shape) {
      for (let i = 0; i < x.length; i++) {
        const p = x[i];
        if (!(p >= 0 && p <= 1)) {
          throw new ValueError(
            `binary_cross_entropy: ${position('input', i, shape)} = ${p} is not a probability in [0, 1] (for logits use bce_with_logits)`,
          );
        }
      }
    },
  },
  {
    name: 'bce_with_logits',
    doc: 'binary cross-entropy of logits, in the stable form max(x, 0) − x·t + log(1 + e^−|x|); the gradient is sigmoid(x) − t',
    f: 'max(x, 0) - x * t + log1p(exp(-abs(x)))',
    dx: 'sigmoid(x) - t',
    dt: '-x',
    torch: 'F.binary_cross_entropy_with_logits(input, target, reduction=reduction)',
    examples: [
      { name: 'soft targets, both gradients', inputs: [randn([4, 3], 2), uniform(0, 1, [4, 3])] },
      {
        name: 'magnitude 1000',
        inputs: [
          exact([5], [1000, -1000, 1000, -1000, 0]),
          constant(exact([5], [1, 0, 0, 1, 0.5])),
        ],
      },
    ],
    gradFn: 'BinaryCrossEntropyWithLogitsBackward',
  },
];

type LossAttrs = { reduction: 'mean' | 'sum' | 'none' };
type Forward = (X: NumArray, T: NumArray, L: NumArray) => void;
/** D = u · d(x, t) with u the upstream gradient: g[0] · scale when reduced, else g[i]. */
type Backward = (
  X: NumArray,
  T: NumArray,
  G: NumArray,
  D: NumArray,
  reduced: boolean,
  scale: number,
) => void;

export const REDUCTION = choice(
  ['mean', 'sum', 'none'],
  'mean',
  "'mean' and 'sum' give a scalar; 'none' the loss of every element",
);

function lossDef(row: PointwiseRow): OpDef<LossAttrs> {
  const forward = compileLoop<Forward>(
    ['X', 'T', 'L'],
    [],
    `for (let i = 0; i < L.length; i++) { const x = X[i], t = T[i]; L[i] = ${row.f}; }`,
  );
  const [backX, backT] = [row.dx, row.dt].map((d) =>
    compileLoop<Backward>(
      ['X', 'T', 'G', 'D', 'reduced', 'scale'],
      [],
      `if (reduced) { const u = G[0] * scale; for (let i = 0; i < D.length; i++) { const x = X[i], t = T[i]; D[i] = u * (${d}); } }
       else { for (let i = 0; i < D.length; i++) { const x = X[i], t = T[i]; D[i] = G[i] * (${d}); } }`,
    ),
  );
  return defineOp<LossAttrs>({
    name: row.name,
    family: 'loss',
    doc: row.doc,
    gradient: `${row.dx} per element (input), ${row.dt} (target); times g, / n for the mean`,
    operands: ['input', 'target'],
    attrs: { reduction: REDUCTION },
    options: 'LossOptions',
    infer: (args, attrs, mode) => pairwiseLoss(row.name, args, attrs, mode),
    forward(call) {
      const {
        inputs: [x, t],
        shapes,
        out,
        attrs,
      } = call;
      row.checkInput?.(x, shapes[0]);
      if (attrs.reduction === 'none') {
        forward(x, t, out);
        return;
      }
      const losses = call.scratch('losses', x.length);
      forward(x, t, losses);
      const total = sumAll(losses);
      out[0] = attrs.reduction === 'mean' ? total / losses.length : total;
    },
    backward({ inputs: [x, t], grad, grads: [gx, gt], attrs }) {
      const reduced = attrs.reduction !== 'none';
      const scale = attrs.reduction === 'mean' ? 1 / x.length : 1;
      if (gx) backX(x, t, grad, gx, reduced, scale);
      if (gt) backT(x, t, grad, gt, reduced, scale);
    },
    saves: [0, 1],
    gradFn: row.gradFn,
    positional: 0,
    torch: row.torch,
    examples: row.examples,
  });
}

export const POINTWISE_LOSSES = ROWS.map(lossDef);
