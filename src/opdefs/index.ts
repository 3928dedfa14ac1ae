import { ARGMAX, ARGMIN } from './arg-extrema.js';
import batchNorm from './batch-norm.js';
import { CROSS_ENTROPY, NLL_LOSS } from './class-loss.js';
import concat from './concat.js';
import { CONV1D, CONV2D } from './conv.js';
import { ARANGE, FULL, ONES, ZEROS } from './creation.js';
import dropout from './dropout.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import expand from './expand.js';
import { MAX, MIN } from './extrema.js';
import flatten from './flatten.js';
import { CONSTANT, IDENTITY } from './graph-ops.js';
import gru from './gru.js';
import index from './index-op.js';
import layerNorm from './layer-norm.js';
import linear from './linear.js';
import { EMBEDDING, GATHER, ONE_HOT } from './lookup.js';
import lstm from './lstm.js';
import matmul from './matmul.js';
import permute from './permute.js';
import { POINTWISE_LOSSES } from './pointwise-loss.js';
import { ADAPTIVE_AVG_POOL2D, AVG_POOL1D, AVG_POOL2D, MAX_POOL1D, MAX_POOL2D } from './pool.js';
import reshape from './reshape.js';
import rnn from './rnn.js';
import slice from './slice.js';
import { LOG_SOFTMAX, SOFTMAX } from './softmax.js';
import { SQUEEZE, UNSQUEEZE } from './squeeze.js';
import { MEAN, SUM } from './sum-mean.js';
import transpose from './transpose.js';
import type { OpDef } from './types.js';
import { STD, VAR } from './variance.js';

/** Every op, in the order of the reference (docs/ops.md): by family, then as listed. */
export const OP_DEFS: readonly OpDef[] = [
  ...ELEMENTWISE_OPS,
  matmul,
  linear,
  CONV1D,
  CONV2D,
  MAX_POOL1D,
  MAX_POOL2D,
  AVG_POOL1D,
  AVG_POOL2D,
  ADAPTIVE_AVG_POOL2D,
  transpose,
  reshape,
  flatten,
  permute,
  UNSQUEEZE,
  SQUEEZE,
  expand,
  ARANGE,
  ZEROS,
  ONES,
  FULL,
  concat,
  slice,
  index,
  SUM,
  MEAN,
  MAX,
  MIN,
  VAR,
  STD,
  ARGMAX,
  ARGMIN,
  SOFTMAX,
  LOG_SOFTMAX,
  dropout,
  rnn,
  gru,
  lstm,
  batchNorm,
  layerNorm,
  EMBEDDING,
  GATHER,
  ONE_HOT,
  ...POINTWISE_LOSSES,
  CROSS_ENTROPY,
  NLL_LOSS,
  IDENTITY,
  CONSTANT,
] as readonly OpDef[];

const BY_NAME: ReadonlyMap<string, OpDef> = new Map(OP_DEFS.map((def) => [def.name, def]));

/** Any op a graph node may have, by its snake_case name. */
export function opDef(name: string): OpDef | undefined {
  return BY_NAME.get(name);
}

/** The ops a spec expression may call (the IR's own, constant and identity, aside). */
export const SPEC_OPS: readonly OpDef[] = OP_DEFS.filter((def) => def.family !== 'graph');

/**
 * The ops of the Tensor API's generated functions and methods: the spec's, but those without
 * tensor operands (arange, zeros, ...), for which the tensor-creation functions of
 * src/tensor/create.ts stand (same names, their own signatures).
 */
export const TENSOR_API_OPS: readonly OpDef[] = SPEC_OPS.filter(
  (def) => def.listOperand || def.operands.length > 0,
);

export type { OpDef } from './types.js';
