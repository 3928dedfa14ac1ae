import { choice, float, ints } from './attrs.js';
import { defineOp } from './define.js';
import { type Dim, formatShape } from './dims.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import type { AttrDef, AttrValue } from './types.js';

// Graph constants: ops without tensor operands, whose shape comes from their attributes
// (`arange(8)`, `ones([4, 4])`). They have no gradient. The Tensor API's tensor-creation
// functions (src/tensor/create.ts: arange, zeros, ones, full) stand for them in TypeScript,
// so no op function is generated for them.
//
// A size attribute (arange's end, the shape) holds numbers today; its type leaves room for a
// dim symbol bound at run time (`arange(t)`, a string in the IR): the shape rules below already
// carry such a symbol into the result's shape.

const DTYPE: Omit<AttrDef, 'name'> = choice(
  ['float32', 'int32'],
  undefined,
  'the dtype; by default int32 for whole numbers (arange), float32 otherwise',
);
const dtypeAttr = { ...DTYPE, default: null };

const torchDtype = 'dtype=None if dtype is None else getattr(torch, dtype)';

type ArangeAttrs = {
  end: number | string;
  start: number;
  step: number;
  dtype: 'float32' | 'int32' | null;
};

export const ARANGE = defineOp<ArangeAttrs, { start: number; step: number }>({
  name: 'arange',
  family: 'creation',
  doc: 'start, start + step, ... up to (not including) end, as torch.arange',
  operands: [],
  attrs: {
    end: float(undefined, 'where the sequence stops (not included)'),
    start: float(0, 'the first value'),
    step: float(1, 'the distance between values (not 0)'),
    dtype: dtypeAttr,
  },
  // arange(8) is the end alone, as torch's arange(8); start and step go by keyword, so that
  // torch's arange(2, 8) is refused rather than read as end=2.
  positional: 1,
  infer(_args, attrs) {
    const { end, start, step } = attrs;
    const whole = [start, step, end].every((v) => typeof v === 'string' || Number.isInteger(v));
    if (attrs.dtype === 'int32' && !whole) {
      throw new ShapeIssue(
        CODES.badAttr,
        `arange: dtype=int32 needs whole numbers, got start=${start}, end=${end}, step=${step}`,
      );
    }
    const dtype = attrs.dtype ?? (whole ? 'int32' : 'float32');
    if (step === 0) throw new ShapeIssue(CODES.badAttr, 'arange: step must not be 0');
    if (typeof end === 'string') {
      if (start !== 0 || step !== 1) {
        throw new ShapeIssue(
          CODES.badAttr,
          `arange: a symbolic end (${end}) needs start=0 and step=1`,
        );
      }
      return { shape: [end], dtype };
    }
    const length = Math.ceil((end - start) / step);
    if (length < 0) {
      throw new ShapeIssue(
        CODES.badAttr,
        `arange: step=${step} goes away from end=${end} (start=${start}); no value lies between`,
      );
    }
    return { shape: [length], dtype };
  },
  forward({ out, attrs }) {
    for (let i = 0; i < out.length; i++) out[i] = attrs.start + i * attrs.step;
  },
  saves: [],
  torch: `torch.arange(start, end, step, ${torchDtype})`,
  onnx: 'Range',
  examples: [
    { name: 'end 8', inputs: [], attrs: { end: 8 } },
    { name: 'start 2, end 11, step 3', inputs: [], attrs: { start: 2, end: 11, step: 3 } },
    { name: 'fractions 0 to 1 by 0.25', inputs: [], attrs: { end: 1, step: 0.25 } },
    { name: 'downwards, 5 to -1 by -2', inputs: [], attrs: { start: 5, end: -1, step: -2 } },
    { name: 'end 4 as float32', inputs: [], attrs: { end: 4, dtype: 'float32' } },
    { name: 'empty', inputs: [], attrs: { start: 3, end: 3 } },
  ],
});

type FillAttrs = { shape: Dim[]; fill_value: number; dtype: 'float32' | 'int32' | null };

/** The shape of zeros/ones/full: sizes >= 0 (or a symbol). */
function filledShape(op: string, shape: readonly Dim[]): Dim[] {
  if (shape.some((d) => typeof d === 'number' && d < 0)) {
    throw new ShapeIssue(
      CODES.badAttr,
      `${op}: shape ${formatShape(shape)} may hold sizes >= 0 only`,
    );
  }
  return [...shape];
}

function filled(name: 'zeros' | 'ones' | 'full', value?: number) {
  const attrs: Record<string, Omit<AttrDef, 'name'>> = {
    shape: ints(undefined, 'the shape'),
    ...(value === undefined ? { fill_value: float(undefined, 'the value of every element') } : {}),
    dtype: { ...dtypeAttr, doc: 'the dtype (float32 by default)' },
  };
  const fill = (a: FillAttrs) => value ?? a.fill_value;
  return defineOp<FillAttrs>({
    name,
    family: 'creation',
    doc:
      value === undefined
        ? 'a tensor of one shape holding fill_value everywhere, as torch.full'
        : `a tensor of one shape holding ${value} everywhere, as torch.${name}`,
    operands: [],
    attrs,
    positional: value === undefined ? 2 : 1,
    infer(_args, a) {
      if (a.dtype === 'int32' && !Number.isInteger(fill(a))) {
        throw new ShapeIssue(
          CODES.badAttr,
          `${name}: dtype=int32 needs a whole fill_value, got ${fill(a)}`,
        );
      }
      return { shape: filledShape(name, a.shape), dtype: a.dtype ?? 'float32' };
    },
    forward: ({ out, attrs: a }) => {
      out.fill(fill(a));
    },
    saves: [],
    torch:
      value === undefined
        ? `torch.full(shape, fill_value, ${torchDtype})`
        : `torch.${name}(shape, ${torchDtype})`,
    onnx: 'ConstantOfShape',
    examples: [
      {
        name: '[2,3]',
        inputs: [],
        attrs: { shape: [2, 3], ...(value === undefined ? { fill_value: -1.5 } : {}) },
      },
      {
        name: 'a scalar',
        inputs: [],
        attrs: { shape: [], ...(value === undefined ? { fill_value: 7 } : {}) },
      },
      {
        name: '[4] as int32',
        inputs: [],
        attrs: { shape: [4], dtype: 'int32', ...(value === undefined ? { fill_value: 3 } : {}) },
      },
    ] as { name: string; inputs: []; attrs: Record<string, AttrValue> }[],
  });
}

export const ZEROS = filled('zeros', 0);
export const ONES = filled('ones', 1);
export const FULL = filled('full');
