import { classLossGrad, nllForward } from '../kernels/loss.js';
import { axisSplit, sumAll } from '../kernels/reduce.js';
import { softmaxAxis } from '../kernels/softmax.js';
import { ValueError } from '../tensor/errors.js';
import { defineOp } from './define.js';
import { exact, labels, randn } from './examples.js';
import { REDUCTION } from './pointwise-loss.js';
import { position } from './position.js';
import { classLoss } from './shape-rules.js';
import type { OpDef } from './types.js';

type LossAttrs = { reduction: 'mean' | 'sum' | 'none' };

/** Scores laid out as (outer, classes, inner) around the class axis: [N, C, d1, ...] or [C]. */
interface ClassLayout {
  dims: number[];
  outer: number;
  classes: number;
  inner: number;
}

function classLossDef(name: 'cross_entropy' | 'nll_loss'): OpDef<LossAttrs, ClassLayout> {
  const softmax = name === 'cross_entropy';
  return defineOp<LossAttrs, ClassLayout>({
    name,
    family: 'loss',
    doc: softmax
      ? '−log_softmax(logits)[target] averaged over the targets: logits [N, C] (or [N, C, d1, ...], or [C]) and int32 class indices [N] (or [N, d1, ...], or a scalar)'
      : '−input[target] for log-probabilities (e.g. from log_softmax); layouts as cross_entropy',
    gradient: softmax
      ? '(softmax(logits) − onehot(target)) · g, / n for the mean'
      : '−g at each target class, 0 elsewhere',
    operands: ['input', 'target'],
    attrs: { reduction: REDUCTION },
    options: 'LossOptions',
    infer: (args, attrs, mode) => classLoss(name, args, attrs, mode),
    prepare([scores]) {
      const dims = scores.length === 1 ? [1, scores[0]] : [...scores];
      const [outer, classes, inner] = axisSplit(dims, 1);
      return { dims, outer, classes, inner };
    },
    forward(call) {
      const {
        inputs: [x, target],
        shapes,
        out,
        attrs,
        prepared: p,
      } = call;
      for (let i = 0; i < target.length; i++) {
        const c = target[i];
        if (c < 0 || c >= p.classes) {
          throw new ValueError(
            `${name}: ${position('target', i, shapes[1])} = ${c} is out of range for ${p.classes} classes (expected 0..${p.classes - 1})`,
          );
        }
      }
      const logp = softmax ? call.scratch('logp', x.length) : x;
      if (softmax) softmaxAxis(x, p.dims, 1, logp, true);
      const losses = attrs.reduction === 'none' ? out : call.scratch('losses', target.length);
      nllForward(logp, p.outer, p.classes, p.inner, target, losses);
      if (attrs.reduction === 'none') return;
      const total = sumAll(losses);
      out[0] = attrs.reduction === 'mean' ? total / losses.length : total;
    },
    backward(call) {
      const {
        inputs: [x, target],
        grad,
        grads: [gx],
        attrs,
        prepared: p,
      } = call;
      if (!gx) return;
      const logp = softmax ? call.scratch('logp', x.length) : x;
      const scale = attrs.reduction === 'mean' ? 1 / target.length : 1;
      classLossGrad(
        logp,
        p.outer,
        p.classes,
        p.inner,
        target,
        grad,
        scale,
        attrs.reduction !== 'none',
        softmax,
        gx,
      );
    },
    saves: [1],
    positional: 0,
    torch: `F.${name}(input, target, reduction=reduction)`,
    onnx: softmax ? 'SoftmaxCrossEntropyLoss' : 'NegativeLogLikelihoodLoss',
    examples: [
      { name: '[6,4] scores', inputs: [randn([6, 4], 2), labels([6], 4)] },
      { name: '[1,3] scores', inputs: [randn([1, 3]), labels([1], 3)] },
      { name: '[2,3,4] scores with [2,4] targets', inputs: [randn([2, 3, 4]), labels([2, 4], 3)] },
      { name: '[5] scores with a scalar target', inputs: [randn([5]), labels([], 5)] },
      {
        name: 'reduction sum',
        inputs: [randn([4, 3]), labels([4], 3)],
        attrs: { reduction: 'sum' },
      },
      {
        name: 'reduction none',
        inputs: [randn([4, 3]), labels([4], 3)],
        attrs: { reduction: 'none' },
      },
      {
        name: 'magnitude 1000',
        inputs: [exact([3, 3], [1000, -1000, 0, -1000, 999, 1000, 0, 1000, -1000]), labels([3], 3)],
      },
    ],
  });
}

export const CROSS_ENTROPY = classLossDef('cross_entropy');
export const NLL_LOSS = classLossDef('nll_loss');
