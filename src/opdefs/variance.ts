import { varianceAxis, varianceGrad } from '../kernels/reduce.js';
import { bool, int } from './attrs.js';
import { defineOp } from './define.js';
import { exact, randn } from './examples.js';
import { floatDtype, reduceShape } from './shape-rules.js';
import { prepareReduction, type Reduction } from './sum-mean.js';
import type { OpDef } from './types.js';

type VarianceAttrs = { axis: number | null; unbiased: boolean; keepdim: boolean };

/**
 * var and std over one axis or all, as torch.var / torch.std: the divisor is n − 1 (Bessel's
 * correction) when unbiased, else n. Attributes in torch's positional order: x.var(1, false)
 * is the biased variance along axis 1, as in torch.
 */
function variance(name: 'var' | 'std'): OpDef<VarianceAttrs, Reduction> {
  const std = name === 'std';
  return defineOp<VarianceAttrs, Reduction>({
    name,
    family: 'reduction',
    doc: std
      ? 'the standard deviation over one axis or all of them: √var'
      : 'the variance over one axis or all of them: Σ(x − mean)² / (n − 1), or / n when not unbiased',
    gradient: std
      ? 'g · (x − mean) / ((n − c) · std), c = 1 when unbiased, else 0'
      : 'g · 2(x − mean) / (n − c), c = 1 when unbiased, else 0',
    operands: ['input'],
    attrs: {
      axis: int(null, 'the axis reduced; all axes when left out (the result is then a scalar)'),
      unbiased: bool(true, 'divide by n − 1 (Bessel’s correction) rather than n'),
      keepdim: bool(false, 'keep the reduced axis, with length 1'),
    },
    infer: ([x], attrs, mode) => ({
      shape: reduceShape(name, x, attrs),
      dtype: floatDtype(name, [x], ['input'], mode),
    }),
    prepare: ([x], _shape, attrs) => prepareReduction(x, attrs, name),
    forward(call) {
      const {
        inputs: [x],
        shapes: [dims],
        out,
        attrs,
        prepared: r,
      } = call;
      const mean = call.scratch('mean', out.length);
      varianceAxis(x, dims, r.axis, attrs.unbiased ? 1 : 0, out, mean);
      if (std) for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]);
    },
    backward(call) {
      const {
        inputs: [x],
        shapes: [dims],
        grad,
        grads: [gx],
        out,
        attrs,
        prepared: r,
      } = call;
      if (!gx) return;
      const mean = call.scratch('mean', out.length);
      const correction = attrs.unbiased ? 1 : 0;
      varianceGrad(x, dims, r.axis, correction, mean, grad, std ? out : null, gx);
    },
    saves: std ? [0, 'out'] : [0],
    torch: `torch.${name}(input, axis, unbiased, keepdim)`,
    examples: [
      { name: 'all', inputs: [randn([3, 4, 5])] },
      { name: 'axis 1', inputs: [randn([3, 4, 5])], attrs: { axis: 1 } },
      {
        name: 'axis -1 biased keepdim',
        inputs: [randn([3, 4, 5])],
        attrs: { axis: -1, unbiased: false, keepdim: true },
      },
      { name: 'all biased', inputs: [randn([4, 3])], attrs: { unbiased: false } },
      { name: 'all keepdim', inputs: [randn([2, 3])], attrs: { keepdim: true } },
      {
        name: 'magnitude 1000 (two passes keep the digits)',
        inputs: [exact([2, 4], [1000.5, 1001.25, 999.75, 1000, -1000.5, -999, -1001.25, -1000])],
        attrs: { axis: 1 },
      },
    ],
  });
}

export const VAR = variance('var');
export const STD = variance('std');
