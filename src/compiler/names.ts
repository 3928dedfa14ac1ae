import type { Expr } from './expr/ast.js';

const LISTED_NAMES = 30;

/** `(known: a, b, c)` for a message; a long list is cut after 30 names. */
export function knownNames(known: ReadonlySet<string>, label = 'known'): string {
  const names = [...known];
  const more = names.length > LISTED_NAMES ? `, and ${names.length - LISTED_NAMES} more` : '';
  return `(${label}: ${names.slice(0, LISTED_NAMES).join(', ')}${more})`;
}

/** Every name node an expression refers to, in source order (call names are ops, not names). */
export function referencedNames(expr: Expr): Extract<Expr, { kind: 'name' }>[] {
  switch (expr.kind) {
    case 'name':
      return [expr];
    case 'number':
    case 'bool':
      return [];
    case 'list':
      return expr.items.flatMap(referencedNames);
    case 'call':
      return [
        ...expr.args.flatMap(referencedNames),
        ...expr.keywords.flatMap((k) => referencedNames(k.value)),
      ];
    case 'binary':
      return [...referencedNames(expr.left), ...referencedNames(expr.right)];
    case 'neg':
    case 'transpose':
      return referencedNames(expr.operand);
  }
}
