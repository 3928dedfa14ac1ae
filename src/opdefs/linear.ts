import { linearForwardKernel, matmulKernel } from '../kernels/backend.js';
import { sumAxis } from '../kernels/reduce.js';
import { attrList, bool, int } from './attrs.js';
import { defineOp } from './define.js';
import { constant, randn } from './examples.js';
import { floatDtype, linearShape } from './shape-rules.js';
import type { Attrs, ForwardCall, OpDef } from './types.js';

export interface LinearLayout {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

/**
 * linear then an elementwise activation in one step (the execution plan's fusion): the product
 * and bias written straight into the activation's buffer, ReLU applied in the same pass, any
 * other activation then in place. The numbers are those of the two ops run one after the other.
 */
export function linearThen(
  call: ForwardCall<Attrs, LinearLayout>,
  activation: OpDef,
  activationCall: ForwardCall,
): () => void {
  const [x, w, bias] = call.inputs;
  const { rows, inFeatures, outFeatures } = call.prepared;
  const out = activationCall.out;
  const inPlace = { ...activationCall, inputs: [out] };
  const relu = activation.name === 'relu';
  return () => {
    linearForwardKernel()(
      x,
      w,
      bias ?? null,
      out,
      rows,
      inFeatures,
      outFeatures,
      relu ? 'relu' : 'none',
    );
    if (!relu) activation.forward(inPlace);
  };
}

export default defineOp<Attrs, LinearLayout>({
  name: 'linear',
  family: 'linear algebra',
  doc: 'torch.nn.functional.linear: x · weightᵀ + bias, weight [out, in], bias [out]; the batch dims of x join the rows of one product',
  gradient: 'G·W, Gᵀ·x, Σ G over the rows',
  operands: ['input', 'weight', 'bias?'],
  infer(args, _attrs, mode) {
    return {
      shape: linearShape(args[0], args[1], args[2]),
      dtype: floatDtype('linear', args, ['input', 'weight', 'bias'], mode),
    };
  },
  prepare([x, w]) {
    const [outFeatures, inFeatures] = w;
    return {
      rows: x.length === 0 ? 1 : x.reduce((n, d) => n * d, 1) / inFeatures,
      inFeatures,
      outFeatures,
    };
  },
  forward({ inputs: [x, w, bias], out, prepared: p }) {
    linearForwardKernel()(x, w, bias ?? null, out, p.rows, p.inFeatures, p.outFeatures, 'none');
  },
  backward({ inputs: [x, w], grad, grads: [gx, gw, gb], prepared: p }) {
    const kernel = matmulKernel();
    if (gx) kernel(grad, w, gx, p.rows, p.outFeatures, p.inFeatures, false, false, false);
    if (gw) kernel(grad, x, gw, p.outFeatures, p.rows, p.inFeatures, true, false, false);
    if (gb) sumAxis(grad, [p.rows, p.outFeatures], 0, gb);
  },
  saves: [0, 1],
  torch: 'F.linear(input, weight, bias)',
  onnx: 'Gemm',
  examples: [
    { name: '[5,4] with bias', inputs: [randn([5, 4]), randn([3, 4]), randn([3])] },
    { name: '[5,4] without bias', inputs: [randn([5, 4]), randn([3, 4])] },
    { name: '[2,5,4] with bias', inputs: [randn([2, 5, 4]), randn([3, 4]), randn([3])] },
    { name: '[4] with bias', inputs: [randn([4]), randn([3, 4]), randn([3])] },
    { name: 'a constant input', inputs: [constant(randn([5, 4])), randn([3, 4]), randn([3])] },
  ],
  module: {
    main: 'out',
    args: attrList({
      out: int(undefined, 'output features', { min: 1 }),
      bias: bool(true, 'whether the layer adds a learned bias'),
    }),
    params(inShape, args, inName) {
      const inFeatures = inShape[inShape.length - 1];
      if (typeof inFeatures !== 'number') {
        return `linear layer needs a fixed number of input features, but its input '${inName}' is [${inShape.join(', ')}]`;
      }
      const out = args.out as number;
      const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      // torch.nn.Linear.reset_parameters: kaiming_uniform(a = √5) for the weight, U(±1/√in) for the bias.
      const weight = {
        name: 'weight',
        shape: [out, inFeatures],
        init: {
          kind: 'kaiming_uniform' as const,
          a: Math.sqrt(5),
          mode: 'fan_in' as const,
          nonlinearity: 'leaky_relu' as const,
          fanIn: inFeatures,
          fanOut: out,
        },
      };
      if (!args.bias) return [weight];
      return [
        weight,
        {
          name: 'bias',
          shape: [out],
          init: { kind: 'uniform' as const, low: -bound, high: bound },
        },
      ];
    },
    attrs: () => ({}),
  },
});
