/**
 * Expression AST. Every node knows where it sits in the expression string (`start`, `length`,
 * 0-based characters), so a diagnostic can underline exactly the part that is wrong.
 */
export interface Span {
  start: number;
  length: number;
}

export interface NumberExpr extends Span {
  kind: 'number';
  value: number;
  /** True when written without a fraction or exponent (`3`, not `3.0`). */
  integral: boolean;
}

export interface BoolExpr extends Span {
  kind: 'bool';
  value: boolean;
}

export interface NameExpr extends Span {
  kind: 'name';
  name: string;
}

export interface ListExpr extends Span {
  kind: 'list';
  items: Expr[];
}

export interface KeywordArg extends Span {
  name: string;
  /** Where the keyword itself is (without `=value`). */
  nameSpan: Span;
  value: Expr;
}

export interface CallExpr extends Span {
  kind: 'call';
  callee: string;
  calleeSpan: Span;
  args: Expr[];
  keywords: KeywordArg[];
}

/** `//` is floor division, for sizes (`n_embd // n_head`); tensors have no such op. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '@' | '**';

export interface BinaryExpr extends Span {
  kind: 'binary';
  op: BinaryOperator;
  opSpan: Span;
  left: Expr;
  right: Expr;
}

export interface NegExpr extends Span {
  kind: 'neg';
  operand: Expr;
}

/** Postfix `.T`. */
export interface TransposeExpr extends Span {
  kind: 'transpose';
  operand: Expr;
}

export type Expr =
  | NumberExpr
  | BoolExpr
  | NameExpr
  | ListExpr
  | CallExpr
  | BinaryExpr
  | NegExpr
  | TransposeExpr;

/** A syntax error at `start`/`length` of the expression string. */
export interface ExprSyntaxError extends Span {
  message: string;
}

/** Python spelling of each operator's op in the catalogue. */
export const BINARY_OPS: Record<Exclude<BinaryOperator, '//'>, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '@': 'matmul',
  '**': 'pow',
};
