import { int } from './attrs.js';
import { defineOp } from './define.js';
import { formatShape, normalizeAxis } from './dims.js';
import { randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { axisOf } from './shape-rules.js';

// Both keep the elements in row-major order: forward and backward are copies, as reshape's.

export const UNSQUEEZE = defineOp<{ axis: number }>({
  name: 'unsqueeze',
  family: 'shape',
  doc: 'inserts an axis of length 1 at position axis (−rank−1 ≤ axis ≤ rank, as torch)',
  gradient: 'reshaped back',
  operands: ['input'],
  attrs: { axis: int(undefined, 'where the new axis goes in the result') },
  infer([x], attrs) {
    const rank = x.shape.length;
    const at = normalizeAxis(attrs.axis, rank + 1);
    if (at === undefined) {
      throw new ShapeIssue(
        CODES.axis,
        `unsqueeze: axis=${attrs.axis} is out of range for a ${rank}-D tensor ${formatShape(x.shape)} (the new axis goes at ${-rank - 1}..${rank})`,
        0,
        true,
      );
    }
    return { shape: [...x.shape.slice(0, at), 1, ...x.shape.slice(at)], dtype: x.dtype };
  },
  forward: ({ inputs: [x], out }) => out.set(x),
  backward: ({ grad, grads: [gx] }) => gx?.set(grad),
  saves: [],
  torch: 'torch.unsqueeze(input, axis)',
  onnx: 'Unsqueeze',
  examples: [
    { name: '[3,4] at 0', inputs: [randn([3, 4])], attrs: { axis: 0 } },
    { name: '[3,4] at 1', inputs: [randn([3, 4])], attrs: { axis: 1 } },
    { name: '[3,4] at -1 (the end)', inputs: [randn([3, 4])], attrs: { axis: -1 } },
    { name: 'a scalar at 0', inputs: [randn([])], attrs: { axis: 0 } },
  ],
});

export const SQUEEZE = defineOp<{ axis: number | null }>({
  name: 'squeeze',
  family: 'shape',
  doc: 'removes axes of length 1: the one at axis (kept if its length is not 1, as torch), or every one',
  gradient: 'reshaped back',
  operands: ['input'],
  attrs: {
    axis: int(null, 'the axis removed if its length is 1; every axis of length 1 when left out'),
  },
  infer([x], attrs) {
    // A symbol may be 1 at run time, and torch would then remove its axis: the result's rank
    // would depend on the batch, so the compiler refuses what it cannot decide.
    const undecided = (k: number) =>
      new ShapeIssue(
        CODES.symbolic,
        `squeeze: axis ${k} of ${formatShape(x.shape)} has the symbolic length ${x.shape[k]}, which may or may not be 1 at run time; reshape to the shape you mean instead`,
        0,
      );
    if (attrs.axis === null) {
      const symbol = x.shape.findIndex((d) => typeof d === 'string');
      if (symbol >= 0) throw undecided(symbol);
      return { shape: x.shape.filter((d) => d !== 1), dtype: x.dtype };
    }
    const axis = axisOf('squeeze', 'axis', attrs.axis, x);
    if (x.shape.length === 0) return { shape: [], dtype: x.dtype };
    if (typeof x.shape[axis] === 'string') throw undecided(axis);
    return {
      shape: x.shape[axis] === 1 ? x.shape.filter((_, k) => k !== axis) : [...x.shape],
      dtype: x.dtype,
    };
  },
  forward: ({ inputs: [x], out }) => out.set(x),
  backward: ({ grad, grads: [gx] }) => gx?.set(grad),
  saves: [],
  torch: 'torch.squeeze(input) if axis is None else torch.squeeze(input, axis)',
  onnx: 'Squeeze',
  examples: [
    { name: 'every axis of [3,1,4,1]', inputs: [randn([3, 1, 4, 1])] },
    { name: 'axis 1 of [3,1,4]', inputs: [randn([3, 1, 4])], attrs: { axis: 1 } },
    { name: 'axis -1 of [3,4,1]', inputs: [randn([3, 4, 1])], attrs: { axis: -1 } },
    { name: 'axis 0 of [3,1] is kept (not 1)', inputs: [randn([3, 1])], attrs: { axis: 0 } },
    { name: 'all of [1,1] to a scalar', inputs: [randn([1, 1])] },
  ],
});
