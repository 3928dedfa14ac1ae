import type { BinaryOperator, Expr, ExprSyntaxError, KeywordArg, Span } from './ast.js';
import { type Token, type TokenKind, tokenize } from './tokenize.js';

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: ExprSyntaxError };

class SyntaxFailure extends Error {
  constructor(readonly detail: ExprSyntaxError) {
    super(detail.message);
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of expression' : `'${token.text}'`;
}

function spanOf(first: Span, last: Span): Span {
  return { start: first.start, length: last.start + last.length - first.start };
}

/**
 * Recursive descent over Python's grammar, restricted to what a spec needs:
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/' | '//' | '@') unary)*
 *   unary   := '-' unary | power
 *   power   := postfix ('**' unary)?        (right-assoc; binds tighter than a unary minus on its left)
 *   postfix := atom ('.T')*
 *   atom    := number | true | false | name | name '(' args ')' | '[' items ']' | '(' sum ')'
 *   name    := identifier ('.' (identifier | digits))*     (a dotted path: wte.weight, h.0.ln_1)
 */
/**
 * Deepest expression tree accepted. Lowering walks the tree recursively, and a spec file of a
 * megabyte could otherwise nest deep enough to overflow the stack; real expressions nest < 20.
 */
export const MAX_EXPRESSION_DEPTH = 200;

class Parser {
  private at = 0;
  private nesting = 0;
  private readonly heights = new WeakMap<Expr, number>();

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const expr = this.sum();
    const next = this.peek();
    if (next.kind !== 'end')
      this.fail(next, `unexpected ${describe(next)} after a complete expression`);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private take(): Token {
    const token = this.tokens[this.at];
    if (token.kind !== 'end') this.at += 1;
    return token;
  }

  private expect(kind: TokenKind, what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(token, `expected ${what}, found ${describe(token)}`);
    return this.take();
  }

  private fail(token: Token, message: string): never {
    throw new SyntaxFailure({ start: token.start, length: Math.max(token.length, 1), message });
  }

  /** Records a node's height (leaves are 1) and refuses trees deeper than the limit. */
  private built<T extends Expr>(expr: T, children: readonly Expr[]): T {
    const height = 1 + Math.max(0, ...children.map((c) => this.heights.get(c) ?? 1));
    if (height > MAX_EXPRESSION_DEPTH) {
      throw new SyntaxFailure({
        start: expr.start,
        length: Math.max(expr.length, 1),
        message: `expression nests more than ${MAX_EXPRESSION_DEPTH} levels deep; split it into several graph entries`,
      });
    }
    this.heights.set(expr, height);
    return expr;
  }

  private binaryLevel(ops: readonly BinaryOperator[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const token = this.peek();
      const op = ops.find((o) => o === token.kind);
      if (!op) return left;
      this.take();
      const right = next();
      const opSpan = { start: token.start, length: token.length };
      left = this.built({ kind: 'binary', op, opSpan, left, right, ...spanOf(left, right) }, [
        left,
        right,
      ]);
    }
  }

  private sum(): Expr {
    return this.binaryLevel(['+', '-'], () => this.product());
  }

  private product(): Expr {
    return this.binaryLevel(['*', '/', '//', '@'], () => this.unary());
  }

  /** Every nested operand passes through here, so this is where recursion depth is bounded. */
  private unary(): Expr {
    const token = this.peek();
    if (this.nesting >= MAX_EXPRESSION_DEPTH) {
      this.fail(
        token,
        `expression nests more than ${MAX_EXPRESSION_DEPTH} levels deep; split it into several graph entries`,
      );
    }
    this.nesting += 1;
    try {
      if (token.kind === '-') {
        this.take();
        const operand = this.unary();
        return this.built({ kind: 'neg', operand, ...spanOf(token, operand) }, [operand]);
      }
      if (token.kind === '+') this.fail(token, "unary '+' is not supported; leave it out");
      return this.power();
    } finally {
      this.nesting -= 1;
    }
  }

  private power(): Expr {
    const left = this.postfix();
    const token = this.peek();
    if (token.kind !== '**') return left;
    this.take();
    const right = this.unary();
    const opSpan = { start: token.start, length: token.length };
    return this.built({ kind: 'binary', op: '**', opSpan, left, right, ...spanOf(left, right) }, [
      left,
      right,
    ]);
  }

  private postfix(): Expr {
    let expr = this.atom();
    while (this.peek().kind === '.') {
      this.take();
      const attr = this.peek();
      if (attr.kind !== 'name' || attr.text !== 'T') {
        this.fail(
          attr,
          `expected 'T' after '.', found ${describe(attr)} (the only attribute is .T)`,
        );
      }
      this.take();
      expr = this.built({ kind: 'transpose', operand: expr, ...spanOf(expr, attr) }, [expr]);
    }
    return expr;
  }

  private atom(): Expr {
    const token = this.take();
    switch (token.kind) {
      case 'number': {
        const integral = /^\d+$/.test(token.text);
        return {
          kind: 'number',
          value: Number(token.text),
          integral,
          start: token.start,
          length: token.length,
        };
      }
      case 'name':
        if (token.text === 'true' || token.text === 'false') {
          return {
            kind: 'bool',
            value: token.text === 'true',
            start: token.start,
            length: token.length,
          };
        }
        if (this.peek().kind === '(') return this.call(token);
        return { kind: 'name', name: token.text, start: token.start, length: token.length };
      case '[':
        return this.list(token);
      case '(': {
        const inner = this.sum();
        const close = this.expect(')', "')'");
        // The parentheses belong to the span, so a caret under `(a + b).T` starts at `(`.
        const grouped = { ...inner, ...spanOf(token, close) };
        this.heights.set(grouped, this.heights.get(inner) ?? 1);
        return grouped;
      }
      default:
        return this.fail(token, `expected a value, found ${describe(token)}`);
    }
  }

  private list(open: Token): Expr {
    const items: Expr[] = [];
    while (this.peek().kind !== ']') {
      items.push(this.sum());
      if (this.peek().kind !== ',') break;
      this.take();
    }
    const close = this.expect(']', "',' or ']'");
    return this.built({ kind: 'list', items, ...spanOf(open, close) }, items);
  }

  private call(callee: Token): Expr {
    this.take();
    const args: Expr[] = [];
    const keywords: KeywordArg[] = [];
    while (this.peek().kind !== ')') {
      const token = this.peek();
      const isKeyword = token.kind === 'name' && this.tokens[this.at + 1].kind === '=';
      if (isKeyword) {
        this.take();
        this.take();
        const value = this.sum();
        keywords.push({
          name: token.text,
          nameSpan: { start: token.start, length: token.length },
          value,
          ...spanOf(token, value),
        });
      } else {
        if (keywords.length > 0) this.fail(token, 'positional argument follows keyword argument');
        args.push(this.sum());
      }
      if (this.peek().kind !== ',') break;
      this.take();
    }
    const close = this.expect(')', "',' or ')'");
    const call: Expr = {
      kind: 'call',
      callee: callee.text,
      calleeSpan: { start: callee.start, length: callee.length },
      args,
      keywords,
      ...spanOf(callee, close),
    };
    return this.built(call, [...args, ...keywords.map((k) => k.value)]);
  }
}

/** Parses one expression string; a syntax error points at the offending token. */
export function parseExpression(source: string): ParseResult {
  const lexed = tokenize(source);
  if ('error' in lexed) return { ok: false, error: lexed.error };
  try {
    return { ok: true, expr: new Parser(lexed.tokens).parseAll() };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, error: error.detail };
    throw error;
  }
}
