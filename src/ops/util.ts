import { type BackwardRule, record } from '../autograd/node.js';
import { mapBinary, mapUnary, sumToDims } from '../kernels/elementwise.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { allocate, type DType, floatResult, promote } from '../tensor/dtype.js';
import { DTypeError } from '../tensor/errors.js';
import { broadcastShapes, type Shape, sameShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

/** Reads two operands where numbers take the dtype of the tensor beside them. */
export function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? a : undefined;
  const tb = b instanceof Tensor ? b : undefined;
  return [asTensor(a, tb), asTensor(b, ta)];
}

/** The gradient of a broadcast operand: `g` summed back down to `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const out = empty(shape, g.dtype);
  sumToDims(g.storage, g.shape, out.storage, shape);
  return out;
}

export function requireFloat(t: Tensor, op: string, what = 'input'): void {
  if (t.dtype === 'int32') {
    throw new DTypeError(`${op}: ${what} must be a float tensor, got int32`);
  }
}

/**
 * An elementwise op of two broadcast operands. `rule` gets the output gradient and returns the
 * gradients for the full broadcast shape; they are summed back to each operand's shape here.
 */
export function binaryOp(
  name: string,
  a: TensorLike,
  b: TensorLike,
  f: (x: number, y: number) => number,
  rule: (g: Tensor, x: Tensor, y: Tensor, out: Tensor) => [Tensor | null, Tensor | null],
  options: { floatOnly?: boolean; saves?: string } = {},
): Tensor {
  const [x, y] = operands(a, b);
  const op = name.replace(/Backward$/, '').toLowerCase();
  const shape = broadcastShapes(x.shape, y.shape, op);
  let dtype = promote(x.dtype, y.dtype);
  if (options.floatOnly) dtype = floatResult(dtype);
  const out = empty(shape, dtype);
  mapBinary(x.storage, x.shape, y.storage, y.shape, out.storage, shape, f);
  const backward: BackwardRule = (g) => {
    const [gx, gy] = rule(g, x, y, out);
    return [gx && sumTo(gx, x.shape), gy && sumTo(gy, y.shape)];
  };
  return record(name, [x, y], out, backward, pickSaved(options.saves ?? '', x, y, out));
}

/** f applied to every element, with no autograd: masks and derivatives inside backward rules. */
export function mapped(x: Tensor, f: (v: number) => number): Tensor {
  const out = empty(x.shape, floatResult(x.dtype));
  mapUnary(x.storage, out.storage, f);
  return out;
}

/** An elementwise op of one operand whose result is float; `saves` as in binaryOp ('x', 'o'). */
export function unaryOp(
  name: string,
  a: TensorLike,
  f: (x: number) => number,
  rule: (g: Tensor, x: Tensor, out: Tensor) => Tensor,
  saves = 'x',
): Tensor {
  const x = asTensor(a);
  const out = empty(x.shape, floatResult(x.dtype));
  mapUnary(x.storage, out.storage, f);
  return record(name, [x], out, (g) => [rule(g, x, out)], pickSaved(saves, x, x, out));
}

/**
 * The tensors a backward rule reads ('x', 'y', 'o' for the output), so that an in-place change
 * to exactly those is reported; ops whose rule reads none (add, sub) save none, as in torch.
 */
function pickSaved(saves: string, x: Tensor, y: Tensor, out: Tensor): Tensor[] {
  const saved: Tensor[] = [];
  if (saves.includes('x')) saved.push(x);
  if (saves.includes('y')) saved.push(y);
  if (saves.includes('o')) saved.push(out);
  return saved;
}
