import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/compiler/expr/ast.js';
import { MAX_EXPRESSION_DEPTH, parseExpression } from '../../src/compiler/expr/parse.js';

/** The tree as a Lisp-like string, so precedence reads at a glance. */
function show(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
    case 'bool':
      return String(expr.value);
    case 'name':
      return expr.name;
    case 'list':
      return `[${expr.items.map(show).join(' ')}]`;
    case 'neg':
      return `(neg ${show(expr.operand)})`;
    case 'transpose':
      return `(T ${show(expr.operand)})`;
    case 'binary':
      return `(${expr.op} ${show(expr.left)} ${show(expr.right)})`;
    case 'call': {
      const kw = expr.keywords.map((k) => ` ${k.name}=${show(k.value)}`).join('');
      return `(${expr.callee}${expr.args.map((a) => ` ${show(a)}`).join('')}${kw})`;
    }
  }
}

function tree(source: string): string {
  const result = parseExpression(source);
  if (!result.ok) throw new Error(`did not parse: ${result.error.message}`);
  return show(result.expr);
}

function error(source: string) {
  const result = parseExpression(source);
  if (result.ok) throw new Error(`parsed: ${show(result.expr)}`);
  return result.error;
}

describe('expression precedence (Python rules)', () => {
  it.each([
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b * c', '(* (/ a b) c)'],
    ['x @ W + b', '(+ (@ x W) b)'],
    ['x @ W @ V', '(@ (@ x W) V)'],
    ['a * b @ c', '(@ (* a b) c)'],
    ['a ** b ** c', '(** a (** b c))'],
    ['-x ** 2', '(neg (** x 2))'],
    ['2 ** -1', '(** 2 (neg 1))'],
    ['-a * b', '(* (neg a) b)'],
    ['- -a', '(neg (neg a))'],
    ['a ** 2 * b', '(* (** a 2) b)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['x.T @ y', '(@ (T x) y)'],
    ['-x.T', '(neg (T x))'],
    ['x.T.T', '(T (T x))'],
    ['(a + b).T', '(T (+ a b))'],
    ['relu(x @ W1 + b1)', '(relu (+ (@ x W1) b1))'],
    ['sum(h, axis=1, keepdim=true)', '(sum h axis=1 keepdim=true)'],
    ['reshape(x, shape=[-1, 64])', '(reshape x shape=[(neg 1) 64])'],
    ['concat([a, b], axis=1)', '(concat [a b] axis=1)'],
    ['dropout(h, 0.1)', '(dropout h 0.1)'],
    ['wte.weight.T', '(T wte.weight)'],
    ['h.0.attn.c_attn.weight', 'h.0.attn.c_attn.weight'],
    ['n_embd // n_head', '(// n_embd n_head)'],
    ['f()', '(f)'],
    ['[]', '[]'],
    ['1e-3 * x', '(* 0.001 x)'],
    ['.5 + 2.', '(+ 0.5 2)'],
    ['clamp(x, max=false)', '(clamp x max=false)'],
  ])('%s', (source, expected) => {
    expect(tree(source)).toBe(expected);
  });

  it('marks integral literals', () => {
    const three = parseExpression('3');
    const threeDot = parseExpression('3.0');
    expect(three.ok && three.expr.kind === 'number' && three.expr.integral).toBe(true);
    expect(threeDot.ok && threeDot.expr.kind === 'number' && threeDot.expr.integral).toBe(false);
  });
});

describe('expression positions', () => {
  it('gives every node its span in the source', () => {
    const source = 'relu(x @ W1 + b1)';
    const result = parseExpression(source);
    if (!result.ok || result.expr.kind !== 'call') throw new Error('expected a call');
    const call = result.expr;
    expect([call.start, call.length]).toEqual([0, source.length]);
    expect(call.calleeSpan).toEqual({ start: 0, length: 4 });
    const sum = call.args[0];
    expect(source.slice(sum.start, sum.start + sum.length)).toBe('x @ W1 + b1');
    if (sum.kind !== 'binary' || sum.left.kind !== 'binary') throw new Error('expected binaries');
    expect(source.slice(sum.left.start, sum.left.start + sum.left.length)).toBe('x @ W1');
    expect(sum.opSpan).toEqual({ start: 12, length: 1 });
    expect(sum.right).toMatchObject({ kind: 'name', name: 'b1', start: 14, length: 2 });
  });

  it('spans parenthesised, negated and transposed expressions', () => {
    const source = '-(a + b).T';
    const result = parseExpression(source);
    if (!result.ok || result.expr.kind !== 'neg') throw new Error('expected neg');
    expect([result.expr.start, result.expr.length]).toEqual([0, 10]);
    const t = result.expr.operand;
    expect(source.slice(t.start, t.start + t.length)).toBe('(a + b).T');
  });

  it('spans keyword arguments and their names', () => {
    const source = 'softmax(z, axis=-1)';
    const result = parseExpression(source);
    if (!result.ok || result.expr.kind !== 'call') throw new Error('expected a call');
    const [kw] = result.expr.keywords;
    expect(kw.nameSpan).toEqual({ start: 11, length: 4 });
    expect(source.slice(kw.value.start, kw.value.start + kw.value.length)).toBe('-1');
  });
});

describe('expression syntax errors point at the offending token', () => {
  it.each([
    ['x @', 3, 0, 'expected a value, found end of expression'],
    ['x @ @ W', 4, 1, "expected a value, found '@'"],
    ['relu(x', 6, 0, "expected ',' or ')', found end of expression"],
    ['relu(x))', 7, 1, "unexpected ')' after a complete expression"],
    ['x $ y', 2, 1, "unexpected character '$'"],
    ['(x + y).shape', 8, 5, "expected 'T' after '.'"],
    ['sum(axis=1, h)', 12, 1, 'positional argument follows keyword argument'],
    ['[1, 2', 5, 0, "expected ',' or ']'"],
    ['2x', 0, 2, "invalid number '2x'"],
    ['+x', 0, 1, "unary '+' is not supported"],
    ['', 0, 0, 'expected a value'],
    ['a b', 2, 1, "unexpected 'b' after a complete expression"],
  ])('%j', (source, start, length, message) => {
    const e = error(source);
    expect(e.start).toBe(start);
    expect(e.length).toBe(Math.max(length, 1));
    expect(e.message).toContain(message);
  });
});

describe('expression depth limit', () => {
  it(`accepts ${MAX_EXPRESSION_DEPTH} levels and refuses deeper nesting without overflowing`, () => {
    const ok = `${'('.repeat(MAX_EXPRESSION_DEPTH - 1)}x${')'.repeat(MAX_EXPRESSION_DEPTH - 1)}`;
    expect(parseExpression(ok).ok).toBe(true);
    for (const deep of [
      `${'('.repeat(100_000)}x${')'.repeat(100_000)}`,
      `${'-'.repeat(100_000)}x`,
      Array.from({ length: 100_000 }, () => 'x').join(' + '),
      Array.from({ length: 100_000 }, () => 'x').join(' ** '),
      `${'relu('.repeat(50_000)}x${')'.repeat(50_000)}`,
      `${'x.T'}${'.T'.repeat(100_000)}`,
    ]) {
      const e = error(deep);
      expect(e.message).toBe(
        `expression nests more than ${MAX_EXPRESSION_DEPTH} levels deep; split it into several graph entries`,
      );
    }
  });
});
