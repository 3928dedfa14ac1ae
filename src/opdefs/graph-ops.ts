import { float } from './attrs.js';
import { defineOp } from './define.js';
import { randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';

// Ops only the IR makes: number literals and bare-name entries. `compile` prints them, so an op
// object may spell them too.

export const IDENTITY = defineOp({
  name: 'identity',
  family: 'graph',
  doc: 'the operand itself (a graph entry that names another value)',
  operands: ['input'],
  infer: ([x]) => ({ shape: [...x.shape], dtype: x.dtype }),
  forward: ({ inputs: [x], out }) => out.set(x),
  backward: ({ grad, grads: [gx] }) => gx?.set(grad),
  saves: [],
  torch: 'input',
  onnx: 'Identity',
  examples: [{ name: '[2,3]', inputs: [randn([2, 3])] }],
});

/** A scalar; its dtype is the node's own (a whole number beside an int32 tensor is int32). */
export const CONSTANT = defineOp<{ value: number }>({
  name: 'constant',
  family: 'graph',
  doc: 'a number literal, as a scalar tensor',
  operands: [],
  attrs: { value: float(undefined, 'the number') },
  infer(_args, attrs) {
    // A number YAML or JSON cannot carry (1e999, .inf, .nan) would not survive the IR as JSON.
    if (!Number.isFinite(attrs.value)) {
      throw new ShapeIssue(CODES.badAttr, `a constant must be a finite number, got ${attrs.value}`);
    }
    return { shape: [], dtype: 'float32' };
  },
  forward: ({ out, attrs }) => {
    out[0] = attrs.value;
  },
  saves: [],
  torch: 'value',
  onnx: 'Constant',
  examples: [],
});
