import type { ExprSyntaxError, Span } from './ast.js';

export type TokenKind =
  | 'number'
  | 'name'
  | '+'
  | '-'
  | '*'
  | '**'
  | '/'
  | '//'
  | '@'
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '='
  | '.'
  | 'end';

export interface Token extends Span {
  kind: TokenKind;
  text: string;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/**
 * A dotted path continues a name: `wte.weight`, `h.0.attn.c_attn.weight` (digits name the
 * children of repeat and sequential modules). A last segment `T` is left to the `.T` postfix.
 */
const PATH_SEGMENT = /^\.(?:[A-Za-z_][A-Za-z0-9_]*|\d+)(?![A-Za-z0-9_])/;
const PUNCTUATION: readonly TokenKind[] = [
  '**',
  '//',
  '+',
  '-',
  '*',
  '/',
  '@',
  '(',
  ')',
  '[',
  ']',
  ',',
  '=',
  '.',
];

/** Splits an expression into tokens; the last token is always `end`. */
export function tokenize(source: string): { tokens: Token[] } | { error: ExprSyntaxError } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    // `x.T` must stay a name followed by `.`; a number only starts with a digit or `.digit`.
    if (number) {
      const text = number[0];
      if (NAME.test(source.slice(at + text.length))) {
        const bad = /^[A-Za-z0-9_.]+/.exec(rest)![0];
        return { error: { start: at, length: bad.length, message: `invalid number '${bad}'` } };
      }
      tokens.push({ kind: 'number', text, start: at, length: text.length });
      at += text.length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      let text = name[0];
      for (;;) {
        const segment = PATH_SEGMENT.exec(source.slice(at + text.length));
        if (!segment || segment[0] === '.T') break;
        text += segment[0];
      }
      tokens.push({ kind: 'name', text, start: at, length: text.length });
      at += text.length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (punct) {
      tokens.push({ kind: punct, text: punct, start: at, length: punct.length });
      at += punct.length;
      continue;
    }
    return { error: { start: at, length: 1, message: `unexpected character '${rest[0]}'` } };
  }
  tokens.push({ kind: 'end', text: '', start: source.length, length: 0 });
  return { tokens };
}
