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
 *   product := unary (('*' | '/' | '@') unary)*
 *   unary   := '-' unary | power
 *   power   := postfix ('**' unary)?        (right-assoc; binds tighter than a unary minus on its left)
 *   postfix := atom ('.T')*
 *   atom    := number | true | false | name | name '(' args ')' | '[' items ']' | '(' sum ')'
 */
class Parser {
  private at = 0;

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

  private binaryLevel(ops: readonly BinaryOperator[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const token = this.peek();
      const op = ops.find((o) => o === token.kind);
      if (!op) return left;
      this.take();
      const right = next();
      left = {
        kind: 'binary',
        op,
        opSpan: { start: token.start, length: token.length },
        left,
        right,
        ...spanOf(left, right),
      };
    }
  }

  private sum(): Expr {
    return this.binaryLevel(['+', '-'], () => this.product());
  }

  private product(): Expr {
    return this.binaryLevel(['*', '/', '@'], () => this.unary());
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === '-') {
      this.take();
      const operand = this.unary();
      return { kind: 'neg', operand, ...spanOf(token, operand) };
    }
    if (token.kind === '+') this.fail(token, "unary '+' is not supported; leave it out");
    return this.power();
  }

  private power(): Expr {
    const left = this.postfix();
    const token = this.peek();
    if (token.kind !== '**') return left;
    this.take();
    const right = this.unary();
    return {
      kind: 'binary',
      op: '**',
      opSpan: { start: token.start, length: token.length },
      left,
      right,
      ...spanOf(left, right),
    };
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
      expr = { kind: 'transpose', operand: expr, ...spanOf(expr, attr) };
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
        return { ...inner, ...spanOf(token, close) };
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
    return { kind: 'list', items, ...spanOf(open, close) };
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
    return {
      kind: 'call',
      callee: callee.text,
      calleeSpan: { start: callee.start, length: callee.length },
      args,
      keywords,
      ...spanOf(callee, close),
    };
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
