/** A size: a number, or a symbol bound at run time (`batch`), or a size derived from symbols. */
export type Dim = number | string;

/**
 * Symbolic dims: a string dim is a symbol bound at run time (`batch`), or a derived size the
 * compiler wrote for an intermediate value: a product in canonical form (`4*batch`, `batch*n`:
 * integer coefficient first, symbols sorted) or an opaque size (`(a+b)`, `batch[1:]`).
 * Two dims are provably equal only when they are the same number or the same string.
 */
export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

interface Product {
  coef: number;
  symbols: string[];
}

/** `a*(b+c)*4` -> `a`, `(b+c)`, `4`: splits at the `*`s outside parentheses. */
function topLevelFactors(dim: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < dim.length; i += 1) {
    if (dim[i] === '(') depth += 1;
    else if (dim[i] === ')') depth -= 1;
    else if (dim[i] === '*' && depth === 0) {
      parts.push(dim.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(dim.slice(start));
  return parts;
}

/** A symbol, a number, or a parenthesised opaque size (whose parentheses enclose all of it). */
function isFactor(part: string): boolean {
  if (/^[A-Za-z0-9_]+$/.test(part)) return true;
  if (!part.startsWith('(') || !part.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < part.length - 1; i += 1) {
    if (part[i] === '(') depth += 1;
    else if (part[i] === ')') depth -= 1;
    if (depth === 0) return false;
  }
  return true;
}

function unwrap(factor: string): string {
  return factor.startsWith('(') && isFactor(factor) ? factor.slice(1, -1) : factor;
}

function factorsOf(dim: Dim): Product {
  if (typeof dim === 'number') return { coef: dim, symbols: [] };
  const product: Product = { coef: 1, symbols: [] };
  // A derived product (`4*(a+b)` too) is split back into its factors, so that dividing it by
  // 4 gives `(a+b)` again; anything else is one opaque factor.
  const split = topLevelFactors(dim);
  const parts = split.every(isFactor) ? split : [`(${dim})`];
  for (const part of parts) {
    if (/^\d+$/.test(part)) product.coef *= Number(part);
    else product.symbols.push(part);
  }
  return product;
}

function formatProduct({ coef, symbols }: Product): Dim {
  if (symbols.length === 0 || coef === 0) return coef;
  // One opaque factor alone is written as it came in: `(a+b)` / 1 is `a+b` again.
  if (coef === 1 && symbols.length === 1) return unwrap(symbols[0]);
  const sorted = [...symbols].sort();
  return coef === 1 ? sorted.join('*') : [String(coef), ...sorted].join('*');
}

/** The product of some dims (1 for none). */
export function productOf(dims: readonly Dim[]): Dim {
  const total: Product = { coef: 1, symbols: [] };
  for (const dim of dims) {
    const f = factorsOf(dim);
    total.coef *= f.coef;
    total.symbols.push(...f.symbols);
  }
  return formatProduct(total);
}

/** `numerator / denominator` when it provably divides, else undefined. */
export function divideDim(numerator: Dim, denominator: Dim): Dim | undefined {
  const n = factorsOf(numerator);
  const d = factorsOf(denominator);
  if (d.coef === 0 || n.coef % d.coef !== 0) return undefined;
  const left = [...n.symbols];
  for (const symbol of d.symbols) {
    const at = left.indexOf(symbol);
    if (at < 0) return undefined;
    left.splice(at, 1);
  }
  return formatProduct({ coef: n.coef / d.coef, symbols: left });
}

/** The sum of some dims, as a number when all are numbers. */
export function sumOf(dims: readonly Dim[]): Dim {
  if (dims.every((d) => typeof d === 'number'))
    return dims.reduce<number>((a, b) => a + (b as number), 0);
  return dims
    .map((d) => (typeof d === 'string' && /[^A-Za-z0-9_*]/.test(d) ? `(${d})` : String(d)))
    .join('+');
}

/** Where two shapes fail to broadcast: the axis (counted from the end, -1 = last) and the dims. */
export interface BroadcastMismatch {
  axis: number;
  left: Dim;
  right: Dim;
  /** True when at least one dim is symbolic: the sizes may agree at run time but cannot be proven to. */
  symbolic: boolean;
}

/**
 * NumPy/PyTorch broadcasting with symbols: equal dims stay, a 1 stretches, anything else
 * (two different numbers, two different symbols, a symbol and a number other than 1) is a mismatch.
 */
export function broadcastShapes(
  left: readonly Dim[],
  right: readonly Dim[],
): { shape: Dim[] } | { mismatch: BroadcastMismatch } {
  const rank = Math.max(left.length, right.length);
  const shape: Dim[] = [];
  for (let i = 1; i <= rank; i += 1) {
    const a = left.length - i >= 0 ? left[left.length - i] : 1;
    const b = right.length - i >= 0 ? right[right.length - i] : 1;
    if (a === b || b === 1) shape.unshift(a);
    else if (a === 1) shape.unshift(b);
    else
      return {
        mismatch: {
          axis: -i,
          left: a,
          right: b,
          symbolic: typeof a === 'string' || typeof b === 'string',
        },
      };
  }
  return { shape };
}

/** Normalises a possibly negative axis for a tensor of `rank`; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const n = axis < 0 ? axis + rank : axis;
  return n >= 0 && n < rank ? n : undefined;
}

/**
 * The size a dim stands for under run-time bindings: a number, a symbol, or a product in the
 * canonical form (`4*batch*t`); undefined for a form that cannot be evaluated.
 */
export function bindDim(dim: Dim, bindings: ReadonlyMap<string, number>): number | undefined {
  if (typeof dim === 'number') return dim;
  let product = 1;
  for (const factor of dim.split('*')) {
    const n = /^\d+$/.test(factor) ? Number(factor) : bindings.get(factor);
    if (n === undefined) return undefined;
    product *= n;
  }
  return product;
}
