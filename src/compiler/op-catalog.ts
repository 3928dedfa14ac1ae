import type { AttrValue } from './graph.js';
import { CODES, ShapeIssue, type ValueInfo } from './shape-issue.js';
import {
  type Attrs,
  axisOf,
  broadcast,
  classLoss,
  concatShape,
  flattenShape,
  linearShape,
  matmulShape,
  pairwiseLoss,
  reduceShape,
  requireFloat,
  reshapeShape,
  sameDtype,
  sliceShape,
  transposeShape,
} from './shape-rules.js';

export type AttrType = 'int' | 'float' | 'bool' | 'ints';

/** One attribute of an op. No `default` means the attribute is required. */
export interface AttrDef {
  name: string;
  type: AttrType;
  default?: AttrValue;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
}

export type OpFamily =
  | 'arithmetic'
  | 'activation'
  | 'linear algebra'
  | 'shape'
  | 'reduction'
  | 'probability'
  | 'regularisation'
  | 'loss'
  | 'graph';

export interface OpDef {
  name: string;
  family: OpFamily;
  /** Tensor operands, by name, in positional order. */
  operands: readonly string[];
  /** How many trailing operands may be left out (linear's bias). */
  optionalOperands: number;
  /** The operands arrive as one list literal (`concat([a, b], axis=1)`). */
  listOperand: boolean;
  /** Attributes in documented positional order. */
  attrs: readonly AttrDef[];
  /** Shape and dtype of the result; throws ShapeIssue. Attrs arrive with defaults filled in. */
  infer(args: readonly ValueInfo[], attrs: Attrs): ValueInfo;
}

type OpOptions = Partial<Pick<OpDef, 'optionalOperands' | 'listOperand' | 'attrs'>>;

function op(
  name: string,
  family: OpFamily,
  operands: string[],
  infer: OpDef['infer'],
  options: OpOptions = {},
): OpDef {
  return {
    name,
    family,
    operands,
    optionalOperands: 0,
    listOperand: false,
    attrs: [],
    infer,
    ...options,
  };
}

/** Same shape out as in; `float` ops refuse int32. */
function unary(name: string, family: OpFamily, float: boolean, attrs: AttrDef[] = []): OpDef {
  return op(
    name,
    family,
    ['input'],
    ([x]) => {
      if (float) requireFloat(name, [x], ['input']);
      return { shape: [...x.shape], dtype: x.dtype };
    },
    { attrs },
  );
}

/** Broadcasting binary op; `float` ops refuse int32, the others need both dtypes equal. */
function binary(name: string, float: boolean): OpDef {
  return op(name, 'arithmetic', ['input', 'other'], ([a, b]) => {
    if (float) requireFloat(name, [a, b], ['input', 'other']);
    const dtype = sameDtype(name, [a, b]);
    return { shape: broadcast(name, a, b), dtype };
  });
}

function reduction(name: string, float: boolean): OpDef {
  return op(
    name,
    'reduction',
    ['input'],
    ([x], attrs) => {
      if (float) requireFloat(name, [x], ['input']);
      return { shape: reduceShape(name, x, attrs), dtype: x.dtype };
    },
    {
      attrs: [
        { name: 'axis', type: 'int', default: null },
        { name: 'keepdim', type: 'bool', default: false },
      ],
    },
  );
}

function softmaxLike(name: string): OpDef {
  return op(
    name,
    'probability',
    ['input'],
    ([x], attrs) => {
      requireFloat(name, [x], ['input']);
      axisOf(name, 'axis', attrs.axis as number, x);
      return { shape: [...x.shape], dtype: x.dtype };
    },
    { attrs: [{ name: 'axis', type: 'int', default: -1 }] },
  );
}

function loss(
  name: string,
  rule: (op: string, input: ValueInfo, target: ValueInfo) => unknown,
): OpDef {
  return op(name, 'loss', ['input', 'target'], ([input, target]) => {
    rule(name, input, target);
    return { shape: [], dtype: 'float32' };
  });
}

const OPS: readonly OpDef[] = [
  binary('add', false),
  binary('sub', false),
  binary('mul', false),
  binary('div', true),
  unary('neg', 'arithmetic', false),
  binary('pow', true),
  unary('exp', 'arithmetic', true),
  unary('log', 'arithmetic', true),
  unary('sqrt', 'arithmetic', true),
  unary('abs', 'arithmetic', false),
  binary('maximum', false),
  binary('minimum', false),
  op(
    'clamp',
    'arithmetic',
    ['input'],
    ([x], attrs) => {
      if (attrs.min === null && attrs.max === null) {
        throw new ShapeIssue(CODES.badAttr, 'clamp needs min=, max= or both');
      }
      if (
        attrs.min !== null &&
        attrs.max !== null &&
        (attrs.min as number) > (attrs.max as number)
      ) {
        throw new ShapeIssue(
          CODES.badAttr,
          `clamp: min=${attrs.min} is greater than max=${attrs.max}`,
        );
      }
      return { shape: [...x.shape], dtype: x.dtype };
    },
    {
      attrs: [
        { name: 'min', type: 'float', default: null },
        { name: 'max', type: 'float', default: null },
      ],
    },
  ),
  unary('relu', 'activation', false),
  unary('leaky_relu', 'activation', true, [
    { name: 'negative_slope', type: 'float', default: 0.01 },
  ]),
  unary('sigmoid', 'activation', true),
  unary('tanh', 'activation', true),
  unary('gelu', 'activation', true),
  unary('softplus', 'activation', true),
  unary('elu', 'activation', true, [{ name: 'alpha', type: 'float', default: 1 }]),
  op('matmul', 'linear algebra', ['input', 'other'], ([a, b]) => {
    requireFloat('matmul', [a, b], ['input', 'other']);
    return { shape: matmulShape(a, b), dtype: 'float32' };
  }),
  op(
    'linear',
    'linear algebra',
    ['input', 'weight', 'bias'],
    (args) => {
      requireFloat('linear', args, ['input', 'weight', 'bias']);
      return { shape: linearShape(args[0], args[1], args[2]), dtype: 'float32' };
    },
    { optionalOperands: 1 },
  ),
  op(
    'transpose',
    'linear algebra',
    ['input'],
    ([x], attrs) => ({ shape: transposeShape(x, attrs), dtype: x.dtype }),
    {
      attrs: [
        { name: 'axis0', type: 'int', default: -2 },
        { name: 'axis1', type: 'int', default: -1 },
      ],
    },
  ),
  op(
    'reshape',
    'shape',
    ['input'],
    ([x], attrs) => ({ shape: reshapeShape(x, attrs), dtype: x.dtype }),
    {
      attrs: [{ name: 'shape', type: 'ints' }],
    },
  ),
  op(
    'flatten',
    'shape',
    ['input'],
    ([x], attrs) => ({ shape: flattenShape(x, attrs), dtype: x.dtype }),
    {
      attrs: [
        { name: 'start_axis', type: 'int', default: 1 },
        { name: 'end_axis', type: 'int', default: -1 },
      ],
    },
  ),
  op(
    'concat',
    'shape',
    ['tensors'],
    (parts, attrs) => {
      const dtype = sameDtype('concat', parts);
      return { shape: concatShape(parts, attrs), dtype };
    },
    { listOperand: true, attrs: [{ name: 'axis', type: 'int', default: 0 }] },
  ),
  op(
    'slice',
    'shape',
    ['input'],
    ([x], attrs) => ({ shape: sliceShape(x, attrs), dtype: x.dtype }),
    {
      attrs: [
        { name: 'axis', type: 'int', default: 0 },
        { name: 'start', type: 'int', default: 0 },
        { name: 'end', type: 'int', default: null },
        { name: 'step', type: 'int', default: 1, min: 1 },
      ],
    },
  ),
  reduction('sum', false),
  reduction('mean', true),
  reduction('max', false),
  reduction('min', false),
  softmaxLike('softmax'),
  softmaxLike('log_softmax'),
  unary('dropout', 'regularisation', true, [
    { name: 'p', type: 'float', default: 0.5, min: 0, max: 1 },
  ]),
  loss('mse_loss', pairwiseLoss),
  loss('l1_loss', pairwiseLoss),
  loss('cross_entropy', classLoss),
  loss('nll_loss', classLoss),
  loss('binary_cross_entropy', pairwiseLoss),
  loss('bce_with_logits', pairwiseLoss),
];

/** The ops a spec expression may call. */
export const OP_CATALOG: ReadonlyMap<string, OpDef> = new Map(OPS.map((def) => [def.name, def]));

/**
 * Ops only the IR makes (number literals, bare-name entries). `compile` prints them, so an op
 * object may spell them too; the constant's dtype is the node's own (float32 in an op object).
 */
const IR_OPS: ReadonlyMap<string, OpDef> = new Map(
  [
    op('identity', 'graph', ['input'], ([x]) => ({ shape: [...x.shape], dtype: x.dtype })),
    op(
      'constant',
      'graph',
      [],
      (_, attrs) => {
        // A number YAML or JSON cannot carry (1e999, .inf, .nan) would not survive the IR as JSON.
        if (!Number.isFinite(attrs.value)) {
          throw new ShapeIssue(
            CODES.badAttr,
            `a constant must be a finite number, got ${attrs.value}`,
          );
        }
        return { shape: [], dtype: 'float32' };
      },
      {
        attrs: [{ name: 'value', type: 'float' }],
      },
    ),
  ].map((def) => [def.name, def]),
);

/** A spec op by name. */
export function findOp(name: string): OpDef | undefined {
  return OP_CATALOG.get(name);
}

/** Any op a Graph node may have: the spec ops and the IR's own (constant, identity). */
export function findGraphOp(name: string): OpDef | undefined {
  return OP_CATALOG.get(name) ?? IR_OPS.get(name);
}
