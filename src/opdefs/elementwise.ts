import { kernelBackend } from '../kernels/backend.js';
import { broadcastLayout } from '../kernels/broadcast.js';
import {
  binaryBackward,
  binaryForward,
  roundingFor,
  unaryBackward,
  unaryForward,
} from '../kernels/elementwise-codegen.js';
import { float } from './attrs.js';
import { defineOp } from './define.js';
import { constant, exact, num, type OpExample, randn, uniform } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { broadcast, commonDtype, floatDtype } from './shape-rules.js';
import type { AttrDef, Attrs, OpDef, OpFamily } from './types.js';

/**
 * Elementwise ops, one table row each (as tinygrad's and PyTorch's derivatives.yaml): the value
 * as a formula of the element `x` (or `a`, `b`), the gradient as a formula of `x`, `out` and `g`,
 * and torch's spelling. Formulas are JavaScript over Math's functions and the helpers of
 * kernels/elementwise-codegen.ts; each row is compiled into loops of its own.
 *
 * A unary gradient is either `d`, the derivative (the loop computes g · d, d rounded to the
 * gradient's precision first), or `grad`, the whole expression.
 */
interface UnaryRow {
  name: string;
  family: OpFamily;
  doc: string;
  fn: string;
  gradient: { d: string } | { grad: string };
  /** 'float' ops give a float result (exp of an int32 is float32); 'same' keep the dtype. */
  dtype: 'float' | 'same';
  attrs?: Record<string, Omit<AttrDef, 'name'>>;
  /** The values the formulas see for the attributes, when they are not the attributes themselves. */
  bind?: (attrs: Attrs) => Record<string, number>;
  /** A rule on the attributes together (clamp's min <= max): a message when broken. */
  check?: (attrs: Attrs) => string | undefined;
  torch: string;
  onnx?: string;
  /** A layer kind of `layers:` stacks (activations). */
  layer?: boolean;
  examples: OpExample[];
}

/** Values of magnitude 1000, where a naive formula overflows. */
const BIG = [1000, -1000, 0.5, 999, -999, 1000, -1000, 0];

/** The broadcasts every arithmetic op is checked on. */
function broadcastExamples(): OpExample[] {
  return [
    { name: 'same shape', inputs: [randn([3, 4]), randn([3, 4])] },
    { name: 'broadcast [3,1] with [4]', inputs: [randn([3, 1]), randn([4])] },
    { name: 'broadcast [2,1,3] with [4,1]', inputs: [randn([2, 1, 3]), randn([4, 1])] },
    { name: 'tensor and number', inputs: [randn([2, 3]), num(2.5)] },
    { name: 'scalar tensor and [2,3]', inputs: [randn([]), randn([2, 3])] },
    { name: 'with a constant', inputs: [randn([2, 3]), constant(randn([3]))] },
  ];
}

const UNARY: readonly UnaryRow[] = [
  {
    name: 'neg',
    family: 'arithmetic',
    doc: '−x',
    fn: '-x',
    gradient: { grad: '-g' },
    dtype: 'same',
    torch: 'torch.neg(input)',
    onnx: 'Neg',
    examples: [{ name: '[2,3]', inputs: [randn([2, 3])] }],
  },
  {
    name: 'exp',
    family: 'arithmetic',
    doc: 'eˣ',
    fn: 'exp(x)',
    gradient: { d: 'out' },
    dtype: 'float',
    torch: 'torch.exp(input)',
    onnx: 'Exp',
    examples: [{ name: '[3,4]', inputs: [randn([3, 4])] }],
  },
  {
    name: 'log',
    family: 'arithmetic',
    doc: 'the natural logarithm',
    fn: 'log(x)',
    gradient: { grad: 'g / x' },
    dtype: 'float',
    torch: 'torch.log(input)',
    onnx: 'Log',
    examples: [{ name: 'positive [3,4]', inputs: [uniform(0.1, 3, [3, 4])] }],
  },
  {
    name: 'sqrt',
    family: 'arithmetic',
    doc: '√x',
    fn: 'sqrt(x)',
    gradient: { grad: 'g / (2 * out)' },
    dtype: 'float',
    torch: 'torch.sqrt(input)',
    onnx: 'Sqrt',
    examples: [{ name: 'positive [3,4]', inputs: [uniform(0.1, 3, [3, 4])] }],
  },
  {
    name: 'rsqrt',
    family: 'arithmetic',
    doc: '1 / √x',
    fn: '1 / sqrt(x)',
    gradient: { d: '-0.5 * out * out * out' },
    dtype: 'float',
    torch: 'torch.rsqrt(input)',
    examples: [
      { name: 'positive [3,4]', inputs: [uniform(0.1, 3, [3, 4])] },
      { name: 'magnitude 1000', inputs: [uniform(500, 1500, [2, 3])] },
    ],
  },
  {
    name: 'abs',
    family: 'arithmetic',
    doc: '|x|; the gradient at 0 is 0 (torch\u2019s subgradient)',
    fn: 'abs(x)',
    gradient: { d: 'sign(x)' },
    dtype: 'same',
    torch: 'torch.abs(input)',
    onnx: 'Abs',
    examples: [{ name: '[3,4] away from 0', inputs: [randn([3, 4], 1, [0])] }],
  },
  {
    name: 'clamp',
    family: 'arithmetic',
    doc: 'x limited to [min, max]; the gradient passes where min ≤ x ≤ max (bounds included)',
    fn: 'x < min ? min : x > max ? max : x',
    gradient: { d: 'x >= min && x <= max ? 1 : 0' },
    dtype: 'same',
    attrs: {
      min: float(null, 'the lower bound (none when left out)'),
      max: float(null, 'the upper bound (none when left out)'),
    },
    bind: (attrs) => ({
      min: (attrs.min as number | null) ?? -Infinity,
      max: (attrs.max as number | null) ?? Infinity,
    }),
    check: (attrs) => {
      if (attrs.min === null && attrs.max === null) return 'clamp needs min=, max= or both';
      if (attrs.min !== null && attrs.max !== null && (attrs.min as number) > (attrs.max as number))
        return `clamp: min=${attrs.min} is greater than max=${attrs.max}`;
      return undefined;
    },
    torch: 'torch.clamp(input, min=min, max=max)',
    onnx: 'Clip',
    examples: [
      {
        name: 'min and max',
        inputs: [randn([4, 5], 1.5, [-1, 0.5])],
        attrs: { min: -1, max: 0.5 },
      },
      { name: 'min only', inputs: [randn([4, 5], 1.5, [-1])], attrs: { min: -1 } },
      { name: 'max only', inputs: [randn([4, 5], 1.5, [0.5])], attrs: { max: 0.5 } },
    ],
  },
  {
    name: 'relu',
    family: 'activation',
    doc: 'max(x, 0); relu\u2032(0) = 0',
    fn: 'max(x, 0)',
    gradient: { d: 'out > 0 ? 1 : 0' },
    dtype: 'same',
    torch: 'F.relu(input)',
    onnx: 'Relu',
    examples: [{ name: '[4,5] away from 0', inputs: [randn([4, 5], 2, [0])] }],
    layer: true,
  },
  {
    name: 'leaky_relu',
    family: 'activation',
    doc: 'x for x > 0, negative_slope · x otherwise',
    fn: 'x > 0 ? x : x * negative_slope',
    gradient: { d: 'x > 0 ? 1 : negative_slope' },
    dtype: 'float',
    attrs: { negative_slope: float(0.01, 'the slope for x ≤ 0') },
    torch: 'F.leaky_relu(input, negative_slope)',
    onnx: 'LeakyRelu',
    examples: [
      { name: 'default slope', inputs: [randn([4, 5], 2, [0])] },
      { name: 'slope 0.2', inputs: [randn([4, 5], 2, [0])], attrs: { negative_slope: 0.2 } },
    ],
    layer: true,
  },
  {
    name: 'sigmoid',
    family: 'activation',
    doc: '1 / (1 + e⁻ˣ), finite for any x',
    fn: 'sigmoid(x)',
    gradient: { d: 'out * (1 - out)' },
    dtype: 'float',
    torch: 'torch.sigmoid(input)',
    onnx: 'Sigmoid',
    examples: [
      { name: '[4,5]', inputs: [randn([4, 5], 3)] },
      { name: 'magnitude 1000', inputs: [exact([2, 4], BIG)] },
    ],
    layer: true,
  },
  {
    name: 'tanh',
    family: 'activation',
    doc: 'the hyperbolic tangent',
    fn: 'tanh(x)',
    gradient: { d: '1 - out * out' },
    dtype: 'float',
    torch: 'torch.tanh(input)',
    onnx: 'Tanh',
    examples: [{ name: '[4,5]', inputs: [randn([4, 5], 2)] }],
    layer: true,
  },
  {
    name: 'gelu',
    family: 'activation',
    doc: 'x · Φ(x), the exact erf form',
    fn: 'gelu(x)',
    gradient: { d: 'geluGrad(x)' },
    dtype: 'float',
    torch: 'F.gelu(input)',
    onnx: 'Gelu',
    examples: [{ name: '[4,5]', inputs: [randn([4, 5], 2)] }],
    layer: true,
  },
  {
    name: 'softplus',
    family: 'activation',
    doc: 'log(1 + e^(βx)) / β, and x where βx > threshold',
    fn: 'softplus(x, beta, threshold)',
    gradient: { d: 'softplusGrad(x, beta, threshold)' },
    dtype: 'float',
    attrs: {
      beta: float(1, 'β, the sharpness'),
      threshold: float(20, 'above βx > threshold the result is x'),
    },
    torch: 'F.softplus(input, beta, threshold)',
    onnx: 'Softplus',
    examples: [
      { name: '[4,5]', inputs: [randn([4, 5], 3)] },
      {
        name: 'beta 2, threshold 5',
        inputs: [randn([3, 4], 4, [2.5, -2.5], 0.1)],
        attrs: { beta: 2, threshold: 5 },
      },
      { name: 'magnitude 1000', inputs: [exact([2, 4], BIG)] },
    ],
    layer: true,
  },
  {
    name: 'elu',
    family: 'activation',
    doc: 'x for x > 0, α(eˣ − 1) otherwise',
    fn: 'elu(x, alpha)',
    gradient: { d: 'eluGrad(x, alpha)' },
    dtype: 'float',
    attrs: { alpha: float(1, 'α, the value approached for x → −∞ is −α') },
    torch: 'F.elu(input, alpha)',
    onnx: 'Elu',
    examples: [
      { name: 'default alpha', inputs: [randn([4, 5], 2, [0])] },
      { name: 'alpha 0.5', inputs: [randn([4, 5], 2, [0])], attrs: { alpha: 0.5 } },
    ],
    layer: true,
  },
  {
    name: 'silu',
    family: 'activation',
    doc: 'x · sigmoid(x) (also called swish)',
    fn: 'x * sigmoid(x)',
    gradient: { d: 'sigmoid(x) * (1 + x * (1 - sigmoid(x)))' },
    dtype: 'float',
    torch: 'F.silu(input)',
    onnx: 'Sigmoid',
    layer: true,
    examples: [
      { name: '[4,5]', inputs: [randn([4, 5], 3)] },
      { name: 'magnitude 1000', inputs: [exact([2, 4], BIG)] },
    ],
  },
  {
    name: 'hardtanh',
    family: 'activation',
    doc: 'x clamped to [min_val, max_val]; the gradient passes strictly inside',
    fn: 'x < min_val ? min_val : x > max_val ? max_val : x',
    gradient: { d: 'x > min_val && x < max_val ? 1 : 0' },
    dtype: 'float',
    attrs: {
      min_val: float(-1, 'the lower bound'),
      max_val: float(1, 'the upper bound'),
    },
    check: (attrs) =>
      (attrs.min_val as number) > (attrs.max_val as number)
        ? `hardtanh: min_val=${attrs.min_val} is greater than max_val=${attrs.max_val}`
        : undefined,
    torch: 'F.hardtanh(input, min_val, max_val)',
    onnx: 'Clip',
    layer: true,
    examples: [
      { name: 'default bounds', inputs: [randn([4, 5], 2, [-1, 1])] },
      {
        name: 'bounds 0 and 6 (relu6)',
        inputs: [randn([4, 5], 4, [0, 6])],
        attrs: { min_val: 0, max_val: 6 },
      },
    ],
  },
  {
    name: 'sin',
    family: 'arithmetic',
    doc: 'the sine',
    fn: 'sin(x)',
    gradient: { d: 'cos(x)' },
    dtype: 'float',
    torch: 'torch.sin(input)',
    onnx: 'Sin',
    examples: [{ name: '[3,4]', inputs: [randn([3, 4], 3)] }],
  },
  {
    name: 'cos',
    family: 'arithmetic',
    doc: 'the cosine',
    fn: 'cos(x)',
    gradient: { d: '-sin(x)' },
    dtype: 'float',
    torch: 'torch.cos(input)',
    onnx: 'Cos',
    examples: [{ name: '[3,4]', inputs: [randn([3, 4], 3)] }],
  },
];

interface BinaryRow {
  name: string;
  doc: string;
  fn: string;
  /** The gradients of a and of b, as formulas of a, b, out and g. */
  grads: [string, string];
  dtype: 'float' | 'same';
  torch: string;
  onnx?: string;
  examples: OpExample[];
}

const BINARY: readonly BinaryRow[] = [
  {
    name: 'add',
    doc: 'a + b',
    fn: 'a + b',
    grads: ['g', 'g'],
    dtype: 'same',
    torch: 'input + other',
    onnx: 'Add',
    examples: broadcastExamples(),
  },
  {
    name: 'sub',
    doc: 'a − b',
    fn: 'a - b',
    grads: ['g', '-g'],
    dtype: 'same',
    torch: 'input - other',
    onnx: 'Sub',
    examples: broadcastExamples(),
  },
  {
    name: 'mul',
    doc: 'a · b',
    fn: 'a * b',
    grads: ['g * b', 'g * a'],
    dtype: 'same',
    torch: 'input * other',
    onnx: 'Mul',
    examples: broadcastExamples(),
  },
  {
    name: 'div',
    doc: 'a / b (always a float result)',
    fn: 'a / b',
    grads: ['g / b', '-g * out / b'],
    dtype: 'float',
    torch: 'input / other',
    onnx: 'Div',
    examples: [
      { name: 'same shape', inputs: [randn([3, 4]), randn([3, 4], 1, [0], 0.3)] },
      { name: 'broadcast [2,3] / [3]', inputs: [randn([2, 3]), uniform(0.5, 2, [3])] },
      { name: 'number / tensor', inputs: [num(1.5), uniform(0.5, 2, [4])] },
    ],
  },
  {
    name: 'pow',
    doc: 'aᵇ; as torch, d/da is 0 where b = 0 and d/db is 0 where a = 0 and b ≥ 0',
    fn: 'pow(a, b)',
    grads: [
      'b === 0 ? 0 : g * R(b * pow(a, b - 1))',
      'a === 0 && b >= 0 ? 0 : g * R(pow(a, b) * log(a))',
    ],
    dtype: 'float',
    torch: 'input ** other',
    onnx: 'Pow',
    examples: [
      { name: 'tensor ** 2', inputs: [randn([3, 4]), num(2)] },
      { name: 'positive ** 0.5', inputs: [uniform(0.5, 2, [5]), num(0.5)] },
      { name: 'positive ** tensor, broadcast', inputs: [uniform(0.5, 2, [2, 3]), randn([3])] },
      { name: 'number ** tensor', inputs: [num(2), randn([4])] },
    ],
  },
  {
    name: 'maximum',
    doc: 'the larger of a and b; where they are equal the gradient is shared evenly',
    fn: 'a >= b || a !== a ? a : b',
    grads: ['g * (a > b ? 1 : a === b ? 0.5 : 0)', 'g * (b > a ? 1 : a === b ? 0.5 : 0)'],
    dtype: 'same',
    torch: 'torch.maximum(input, other)',
    onnx: 'Max',
    examples: [
      { name: 'same shape', inputs: [randn([3, 4]), randn([3, 4])] },
      { name: 'broadcast [3,1] with [4]', inputs: [randn([3, 1]), randn([4])] },
    ],
  },
  {
    name: 'minimum',
    doc: 'the smaller of a and b; ties as maximum',
    fn: 'a <= b || a !== a ? a : b',
    grads: ['g * (a < b ? 1 : a === b ? 0.5 : 0)', 'g * (b < a ? 1 : a === b ? 0.5 : 0)'],
    dtype: 'same',
    torch: 'torch.minimum(input, other)',
    onnx: 'Min',
    examples: [
      { name: 'same shape', inputs: [randn([3, 4]), randn([3, 4])] },
      { name: 'broadcast [2,3] with [3]', inputs: [randn([2, 3]), randn([3])] },
    ],
  },
];

/** A function built on its first call. */
function lazy<F extends (...args: never[]) => void>(build: () => F): F {
  let built: F | undefined;
  return ((...args: Parameters<F>) => {
    built ??= build();
    built(...args);
  }) as F;
}

const mentions = (formula: string, name: string) => new RegExp(`\\b${name}\\b`).test(formula);

function unaryDef(row: UnaryRow): OpDef {
  const attrNames = Object.keys(row.attrs ?? {});
  // Compiled on first use: importing the op definitions (the compiler does) stays cheap.
  const forward = lazy(() => unaryForward(row.fn, attrNames));
  const backward = lazy(() => unaryBackward(row.gradient, attrNames));
  const formula = 'd' in row.gradient ? row.gradient.d : row.gradient.grad;
  const bind = row.bind ?? ((attrs: Attrs) => attrs);
  // ReLU's gradient reads only its output: the wasm SIMD kernel does that loop.
  const fastGrad = row.name === 'relu';
  return defineOp<Attrs, object>({
    name: row.name,
    family: row.family,
    doc: row.doc,
    gradient: 'd' in row.gradient ? `g · (${row.gradient.d})` : row.gradient.grad,
    elementwise: 'unary',
    operands: ['input'],
    attrs: row.attrs,
    infer([x], attrs, mode) {
      const problem = row.check?.(attrs);
      if (problem) throw new ShapeIssue(CODES.badAttr, problem);
      const dtype = row.dtype === 'float' ? floatDtype(row.name, [x], ['input'], mode) : x.dtype;
      return { shape: [...x.shape], dtype };
    },
    prepare: (_shapes, _shape, attrs) => bind(attrs),
    forward: (call) => forward(call.inputs[0], call.out, call.prepared),
    backward(call) {
      const dst = call.grads[0];
      if (dst === null) return;
      if (fastGrad && dst instanceof Float32Array && call.out instanceof Float32Array) {
        kernelBackend().reluGrad(call.grad as Float32Array, call.out, dst);
        return;
      }
      backward(call.inputs[0], call.out, call.grad, dst, call.prepared, roundingFor(dst));
    },
    saves: [
      ...(mentions(formula, 'x') ? [0] : []),
      ...(mentions(formula, 'out') ? ['out' as const] : []),
    ],
    torch: row.torch,
    onnx: row.onnx,
    module: row.layer ? {} : undefined,
    examples: row.examples,
  });
}

function binaryDef(row: BinaryRow): OpDef {
  const forward = lazy(() => binaryForward(row.fn, []));
  const backward = row.grads.map((grad, i) => lazy(() => binaryBackward(grad, i as 0 | 1, [])));
  const reads = (name: string) => row.grads.some((g) => mentions(g, name));
  return defineOp({
    name: row.name,
    family: 'arithmetic',
    doc: row.doc,
    gradient: row.grads.map((g) => g.replace(/R\((.*)\)/, '$1')).join('; '),
    elementwise: 'binary',
    operands: ['input', 'other'],
    infer(args, _attrs, mode) {
      const dtype =
        row.dtype === 'float'
          ? floatDtype(row.name, args, ['input', 'other'], mode)
          : commonDtype(row.name, args, mode);
      return { shape: broadcast(row.name, args[0], args[1]), dtype };
    },
    prepare: (shapes, shape) => broadcastLayout(shapes[0], shapes[1], shape),
    forward: (call) => forward(call.inputs[0], call.inputs[1], call.out, call.prepared, {}),
    backward(call) {
      call.grads.forEach((dst, i) => {
        if (dst === null) return;
        const [a, b] = call.inputs;
        backward[i](a, b, call.out, call.grad, dst, call.prepared, {}, roundingFor(dst));
      });
    },
    saves: [
      ...(reads('a') ? [0] : []),
      ...(reads('b') ? [1] : []),
      ...(reads('out') ? ['out' as const] : []),
    ],
    torch: row.torch,
    onnx: row.onnx,
    examples: row.examples,
  });
}

export const ELEMENTWISE_OPS: readonly OpDef[] = [...BINARY.map(binaryDef), ...UNARY.map(unaryDef)];
