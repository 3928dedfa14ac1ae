import type { AttrValue } from '../compiler/graph.js';
import * as ops from '../ops/index.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';

/** What an op may need beyond its operands: the mode (dropout) and the model's generator. */
export interface RunContext {
  training: boolean;
  rng: Rng;
}

type Attrs = Readonly<Record<string, AttrValue>>;
type Kernel = (inputs: Tensor[], attrs: Attrs, context: RunContext) => Tensor;

/** The IR gives "not given" as null; the ops take undefined. */
function opt<T extends AttrValue>(value: T | undefined): Exclude<T, null> | undefined {
  return value === null || value === undefined ? undefined : (value as Exclude<T, null>);
}

const num = (attrs: Attrs, name: string) => opt(attrs[name]) as number | undefined;
const reduce = (attrs: Attrs) => ({
  axis: num(attrs, 'axis'),
  keepdim: (attrs.keepdim as boolean | null) ?? false,
});

/**
 * How each op of the IR runs: the catalogue's snake_case attributes become the TypeScript ops'
 * camelCase options. The compiler has already checked arity and attribute types.
 */
const KERNELS: Record<string, Kernel> = {
  add: ([a, b]) => ops.add(a, b),
  sub: ([a, b]) => ops.sub(a, b),
  mul: ([a, b]) => ops.mul(a, b),
  div: ([a, b]) => ops.div(a, b),
  neg: ([a]) => ops.neg(a),
  pow: ([a, b]) => ops.pow(a, b),
  exp: ([a]) => ops.exp(a),
  log: ([a]) => ops.log(a),
  sqrt: ([a]) => ops.sqrt(a),
  abs: ([a]) => ops.abs(a),
  maximum: ([a, b]) => ops.maximum(a, b),
  minimum: ([a, b]) => ops.minimum(a, b),
  clamp: ([a], attrs) => ops.clamp(a, { min: num(attrs, 'min'), max: num(attrs, 'max') }),
  relu: ([a]) => ops.relu(a),
  leaky_relu: ([a], attrs) => ops.leakyRelu(a, { negativeSlope: num(attrs, 'negative_slope') }),
  sigmoid: ([a]) => ops.sigmoid(a),
  tanh: ([a]) => ops.tanh(a),
  gelu: ([a]) => ops.gelu(a),
  softplus: ([a]) => ops.softplus(a),
  elu: ([a], attrs) => ops.elu(a, { alpha: num(attrs, 'alpha') }),
  matmul: ([a, b]) => ops.matmul(a, b),
  linear: ([x, w, b]) => ops.linear(x, w, b),
  transpose: ([a], attrs) =>
    ops.transpose(a, { axis0: num(attrs, 'axis0'), axis1: num(attrs, 'axis1') }),
  reshape: ([a], attrs) => ops.reshape(a, { shape: attrs.shape as number[] }),
  flatten: ([a], attrs) =>
    ops.flatten(a, { startAxis: num(attrs, 'start_axis'), endAxis: num(attrs, 'end_axis') }),
  concat: (parts, attrs) => ops.concat(parts, { axis: num(attrs, 'axis') }),
  slice: ([a], attrs) =>
    ops.slice(a, {
      axis: num(attrs, 'axis'),
      start: num(attrs, 'start'),
      end: num(attrs, 'end'),
      step: num(attrs, 'step'),
    }),
  sum: ([a], attrs) => ops.sum(a, reduce(attrs)),
  mean: ([a], attrs) => ops.mean(a, reduce(attrs)),
  max: ([a], attrs) => ops.max(a, reduce(attrs)),
  min: ([a], attrs) => ops.min(a, reduce(attrs)),
  softmax: ([a], attrs) => ops.softmax(a, { axis: num(attrs, 'axis') }),
  log_softmax: ([a], attrs) => ops.logSoftmax(a, { axis: num(attrs, 'axis') }),
  dropout: ([a], attrs, context) =>
    ops.dropout(a, { p: num(attrs, 'p'), training: context.training, rng: context.rng }),
  mse_loss: ([a, b]) => ops.mseLoss(a, b),
  l1_loss: ([a, b]) => ops.l1Loss(a, b),
  cross_entropy: ([a, b]) => ops.crossEntropy(a, b),
  nll_loss: ([a, b]) => ops.nllLoss(a, b),
  binary_cross_entropy: ([a, b]) => ops.binaryCrossEntropy(a, b),
  bce_with_logits: ([a, b]) => ops.bceWithLogits(a, b),
  identity: ([a]) => a,
};

export function kernelFor(op: string): Kernel | undefined {
  return KERNELS[op];
}

export const RUNTIME_OPS: readonly string[] = Object.keys(KERNELS);
