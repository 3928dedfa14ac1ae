import type { Dim } from '../opdefs/dims.js';
import { productOf } from '../opdefs/dims.js';
import type { Expr, Span } from './expr/ast.js';
import { parseExpression } from './expr/parse.js';

/**
 * The named numbers an expression of sizes may use: the spec's `dims` and, inside a block, the
 * block's `args` (integers or booleans). Names not in it may stand for a size bound at run time
 * (`batch`) where a size is expected.
 */
export type Env = ReadonlyMap<string, number | boolean>;

export type Evaluated = { value: number | boolean | string } | { message: string; span: Span };

export interface EvaluateOptions {
  /** Sizes: a whole number is required (`//` and `*` keep them whole). */
  integer?: boolean;
  /**
   * A name that is not in the environment may stand for a size bound at run time: the result
   * is then that symbol, or a product of symbols (`4*batch`) in the canonical form of dims.ts.
   */
  symbols?: boolean;
}

const FUNCTIONS: Record<string, (x: number) => number> = { sqrt: Math.sqrt };

/**
 * The value of an expression over numbers and the environment: `n_embd * 4`,
 * `n_embd // n_head`, `0.02 / sqrt(2 * n_layer)`, `block - 1`, `true`.
 */
export function evaluate(expr: Expr, env: Env, options: EvaluateOptions = {}): Evaluated {
  const fail = (message: string, at: Span = expr) => ({ message, span: at });
  switch (expr.kind) {
    case 'number':
      if (options.integer && !Number.isInteger(expr.value))
        return fail(`expected a whole number, got ${expr.value}`);
      return { value: expr.value };
    case 'bool':
      return { value: expr.value };
    case 'name': {
      const value = env.get(expr.name);
      if (value !== undefined) return { value };
      if (options.symbols && !expr.name.includes('.')) return { value: expr.name };
      const known = [...env.keys()];
      return fail(
        `unknown size '${expr.name}'${known.length ? ` (dims and args: ${known.join(', ')})` : ' (declare it under dims)'}`,
      );
    }
    case 'neg': {
      const inner = evaluate(expr.operand, env, options);
      if (!('value' in inner)) return inner;
      if (typeof inner.value !== 'number') return fail('only a number can be negated');
      return { value: -inner.value };
    }
    case 'binary': {
      const left = evaluate(expr.left, env, options);
      if (!('value' in left)) return left;
      const right = evaluate(expr.right, env, options);
      if (!('value' in right)) return right;
      const [a, b] = [left.value, right.value];
      if (typeof a === 'string' || typeof b === 'string') return symbolic(expr, a, b);
      if (typeof a !== 'number' || typeof b !== 'number')
        return fail(`'${expr.op}' needs numbers on both sides`, expr.opSpan);
      const result = arithmetic(expr.op, a, b);
      if (result === undefined) return fail(`'${expr.op}' is not arithmetic on sizes`, expr.opSpan);
      if (!Number.isFinite(result)) return fail(`${a} ${expr.op} ${b} is not a finite number`);
      if (options.integer && !Number.isInteger(result))
        return fail(
          `${a} ${expr.op} ${b} = ${result} is not a whole number (use // to divide sizes)`,
        );
      return { value: result };
    }
    case 'call': {
      const fn = FUNCTIONS[expr.callee];
      if (fn === undefined || expr.args.length !== 1 || expr.keywords.length > 0) {
        return fail(
          `only sqrt(x) may be called in a number, not ${expr.callee}(...)`,
          expr.calleeSpan,
        );
      }
      const arg = evaluate(expr.args[0], env, { ...options, symbols: false });
      if (!('value' in arg)) return arg;
      if (typeof arg.value !== 'number') return fail('sqrt needs a number');
      const value = fn(arg.value);
      if (options.integer && !Number.isInteger(value))
        return fail(`sqrt(${arg.value}) is not a whole number`);
      return { value };
    }
    default:
      return fail('expected a number or a size expression here');
  }
}

function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '//':
      return Math.floor(a / b);
    case '**':
      return a ** b;
    default:
      return undefined;
  }
}

/** Sizes that involve a run-time symbol: only products stay in a form the runtime can bind. */
function symbolic(
  expr: Extract<Expr, { kind: 'binary' }>,
  a: number | boolean | string,
  b: number | boolean | string,
): Evaluated {
  if (expr.op === '*' && typeof a !== 'boolean' && typeof b !== 'boolean') {
    return { value: productOf([a as Dim, b as Dim]) as number | string };
  }
  return {
    message: `a size bound at run time can only be multiplied here (${expr.op} is not); write -1 in a reshape shape to infer it`,
    span: expr.opSpan,
  };
}

/** A size written in YAML: a number, a dim name, or an expression string (`4 * n_embd`). */
export function evaluateText(
  value: number | boolean | string,
  env: Env,
  options: EvaluateOptions = {},
): { value: number | boolean | string } | { message: string; span?: Span } {
  if (typeof value !== 'string') {
    if (options.integer && typeof value === 'number' && !Number.isInteger(value))
      return { message: `expected a whole number, got ${value}` };
    return { value };
  }
  const parsed = parseExpression(value);
  if (!parsed.ok) return { message: parsed.error.message, span: parsed.error };
  return evaluate(parsed.expr, env, options);
}
