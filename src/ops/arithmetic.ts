import { record } from '../autograd/node.js';
import { mapBinary, mapUnary } from '../kernels/elementwise.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { floatResult, promote } from '../tensor/dtype.js';
import { ValueError } from '../tensor/errors.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineMethods } from './methods.js';
import { binaryOp, empty, mapped, unaryOp } from './util.js';

// Backward rules build their results from these same ops; the engine runs them under noGrad.

export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'AddBackward',
    a,
    b,
    (x, y) => x + y,
    (g) => [g, g],
  );
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'SubBackward',
    a,
    b,
    (x, y) => x - y,
    (g) => [g, neg(g)],
  );
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'MulBackward',
    a,
    b,
    (x, y) => x * y,
    (g, x, y) => [mul(g, y), mul(g, x)],
    {
      saves: 'xy',
    },
  );
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'DivBackward',
    a,
    b,
    (x, y) => x / y,
    (g, _x, y, out) => [div(g, y), neg(div(mul(g, out), y))],
    { floatOnly: true, saves: 'yo' },
  );
}

/** a ** b; as torch defines it, d/da is 0 where b == 0 and d/db is 0 where a == 0 and b >= 0. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'PowBackward',
    a,
    b,
    Math.pow,
    (g, x, y, out) => {
      const dx = empty(out.shape, out.dtype);
      mapBinary(x.storage, x.shape, y.storage, y.shape, dx.storage, out.shape, (xv, yv) =>
        yv === 0 ? 0 : yv * xv ** (yv - 1),
      );
      const dy = empty(out.shape, out.dtype);
      mapBinary(x.storage, x.shape, y.storage, y.shape, dy.storage, out.shape, (xv, yv) =>
        xv === 0 && yv >= 0 ? 0 : xv ** yv * Math.log(xv),
      );
      return [mul(g, dx), mul(g, dy)];
    },
    { saves: 'xyo' },
  );
}

/** Elementwise maximum; where the two are equal the gradient is shared evenly (as torch). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'MaximumBackward',
    a,
    b,
    (x, y) => (x >= y || Number.isNaN(x) ? x : y),
    (g, x, y) => [
      mul(
        g,
        select(x, y, (p, q) => p > q),
      ),
      mul(
        g,
        select(y, x, (p, q) => p > q),
      ),
    ],
    { saves: 'xy' },
  );
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(
    'MinimumBackward',
    a,
    b,
    (x, y) => (x <= y || Number.isNaN(x) ? x : y),
    (g, x, y) => [
      mul(
        g,
        select(x, y, (p, q) => p < q),
      ),
      mul(
        g,
        select(y, x, (p, q) => p < q),
      ),
    ],
    { saves: 'xy' },
  );
}

/** 1 where `wins(a, b)`, 0.5 where a == b, 0 elsewhere, at the broadcast shape. */
function select(a: Tensor, b: Tensor, wins: (p: number, q: number) => boolean): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, 'select');
  const out = empty(shape, floatResult(promote(a.dtype, b.dtype)));
  mapBinary(a.storage, a.shape, b.storage, b.shape, out.storage, shape, (p, q) =>
    wins(p, q) ? 1 : p === q ? 0.5 : 0,
  );
  return out;
}

export function neg(a: TensorLike): Tensor {
  const x = asTensor(a);
  const out = empty(x.shape, x.dtype);
  mapUnary(x.storage, out.storage, (v) => -v);
  return record('NegBackward', [x], out, (g) => [neg(g)]);
}

export function exp(a: TensorLike): Tensor {
  return unaryOp('ExpBackward', a, Math.exp, (g, _x, out) => mul(g, out), 'o');
}

export function log(a: TensorLike): Tensor {
  return unaryOp('LogBackward', a, Math.log, (g, x) => div(g, x));
}

export function sqrt(a: TensorLike): Tensor {
  return unaryOp('SqrtBackward', a, Math.sqrt, (g, _x, out) => div(g, mul(out, 2)), 'o');
}

/** |x|; the gradient at 0 is 0 (torch's subgradient). */
export function abs(a: TensorLike): Tensor {
  return unaryOp('AbsBackward', a, Math.abs, (g, x) => mul(g, mapped(x, Math.sign)));
}

export interface ClampOptions {
  min?: number;
  max?: number;
}

/** Limits x to [min, max]; the gradient passes where min <= x <= max (bounds included, as torch). */
export function clamp(a: TensorLike, options: ClampOptions = {}): Tensor {
  const { min = -Infinity, max = Infinity } = options;
  if (options.min === undefined && options.max === undefined) {
    throw new ValueError('clamp: at least one of min or max must be given');
  }
  return unaryOp(
    'ClampBackward',
    a,
    (v) => Math.min(Math.max(v, min), max),
    (g, x) =>
      mul(
        g,
        mapped(x, (v) => (v >= min && v <= max ? 1 : 0)),
      ),
  );
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    clamp(options: ClampOptions): Tensor;
  }
}

defineMethods({ add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs, clamp });
