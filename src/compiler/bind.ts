import { checkAttr } from '../opdefs/attrs.js';
import type { CallExpr, Expr, Span } from './expr/ast.js';
import type { AttrValue } from './graph.js';
import type { OpDef } from './op-catalog.js';

/** A finding while matching a call's arguments to an op's operands and attributes. */
export interface BindIssue {
  code: string;
  message: string;
  span: Span;
}

export interface BoundCall {
  /** Tensor operand expressions (for a list operand: the list's items). */
  operands: Expr[];
  /** Every attribute of the op, defaults filled in. */
  attrs: Record<string, AttrValue>;
  /** Where each given attribute's value is, for later messages. */
  attrSpans: Record<string, Span>;
}

/** The value of a literal attribute expression (`-1`, `0.5`, `true`, `[-1, 64]`), else undefined. */
export function literalValue(expr: Expr): number | boolean | number[] | undefined {
  switch (expr.kind) {
    case 'number':
    case 'bool':
      return expr.value;
    case 'neg': {
      const inner = literalValue(expr.operand);
      return typeof inner === 'number' ? -inner : undefined;
    }
    case 'list': {
      const items = expr.items.map(literalValue);
      return items.every((v) => typeof v === 'number') ? (items as number[]) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Matches a call to its op: tensor operands first and positional, then attributes positionally
 * in documented order or by keyword. Reports every problem it finds.
 */
export function bindCall(
  op: OpDef,
  call: CallExpr,
  suggestKeyword: (name: string) => string | undefined,
): { bound: BoundCall; issues: BindIssue[] } {
  const issues: BindIssue[] = [];
  const first = call.args[0];
  if (op.listOperand && (first?.kind !== 'list' || first.items.length === 0)) {
    // Without the list, the positions of everything after it are guesses: one finding is enough.
    const example = `${op.name}([a, b]${op.attrs.length ? `, ${op.attrs[0].name}=1` : ''})`;
    issues.push({
      code: 'MS211',
      message: `${op.name} takes a non-empty list of tensors as its first operand, e.g. ${example}`,
      span: first ?? call,
    });
    return { bound: { operands: [], attrs: {}, attrSpans: {} }, issues };
  }
  const operandNames = op.operands.map((o) => o.name);
  const operandCount = op.listOperand ? 1 : op.operands.length;
  const required = op.listOperand ? 1 : op.operands.filter((o) => !o.optional).length;
  const given = call.args.slice(0, operandCount);
  // An operand passed by keyword is its own finding (MS207), not also a missing operand.
  const operandKeywords = call.keywords.filter((k) => operandNames.includes(k.name)).length;
  if (given.length + operandKeywords < required) {
    const names = operandNames.join(', ');
    issues.push({
      code: 'MS206',
      message: `${op.name} takes ${required === operandCount ? required : `${required} to ${operandCount}`} tensor operand${operandCount === 1 ? '' : 's'} (${names}), got ${given.length}`,
      span: call,
    });
  }
  const positionalAttrs = call.args.slice(operandCount);
  positionalAttrs.slice(op.positional).forEach((extra) => {
    const attrNames = op.attrs
      .slice(0, op.positional)
      .map((a) => a.name)
      .join(', ');
    const keywordOnly = op.positional < op.attrs.length;
    const attrWords = `${op.positional}${keywordOnly ? ' positional' : ''} attribute${op.positional === 1 ? '' : 's'}`;
    issues.push({
      code: 'MS206',
      message: `${op.name} takes at most ${operandCount} tensor operand${operandCount === 1 ? '' : 's'} and ${attrWords}${attrNames ? ` (${attrNames})` : ''}${keywordOnly ? ' (the rest by keyword)' : ''}; this argument is one too many`,
      span: extra,
    });
  });

  const attrExprs = new Map<string, Expr>();
  positionalAttrs.slice(0, op.positional).forEach((expr, i) => {
    attrExprs.set(op.attrs[i].name, expr);
  });
  const seen = new Set<string>();
  for (const keyword of call.keywords) {
    const def = op.attrs.find((a) => a.name === keyword.name);
    if (!def && operandNames.includes(keyword.name)) {
      issues.push({
        code: 'MS207',
        message: `'${keyword.name}' is a tensor operand of ${op.name}; pass it by position: ${op.name}(${operandNames.join(', ')})`,
        span: keyword.nameSpan,
      });
      continue;
    }
    if (!def) {
      const known = op.attrs.map((a) => a.name);
      const hint =
        keyword.name === 'dim' && known.includes('axis') ? 'axis' : suggestKeyword(keyword.name);
      const list = known.length ? `(known: ${known.join(', ')})` : '(it takes no attributes)';
      issues.push({
        code: 'MS207',
        message: `${op.name} has no attribute '${keyword.name}'${hint ? `; did you mean '${hint}'?` : ''} ${list}`,
        span: keyword.nameSpan,
      });
      continue;
    }
    if (seen.has(keyword.name) || attrExprs.has(keyword.name)) {
      issues.push({
        code: 'MS208',
        message: `${op.name}: attribute '${keyword.name}' is given more than once`,
        span: keyword.nameSpan,
      });
      continue;
    }
    seen.add(keyword.name);
    attrExprs.set(keyword.name, keyword.value);
  }

  const attrs: Record<string, AttrValue> = {};
  const attrSpans: Record<string, Span> = {};
  for (const def of op.attrs) {
    const expr = attrExprs.get(def.name);
    if (!expr) {
      if (def.default === undefined) {
        issues.push({
          code: 'MS210',
          message: `${op.name} needs the attribute '${def.name}'`,
          span: call,
        });
      } else {
        attrs[def.name] = def.default;
      }
      continue;
    }
    // A choice is a bare word: `reduction=sum`, `padding=same`.
    const value = def.choices && expr.kind === 'name' ? expr.name : literalValue(expr);
    const checked = checkAttr(op.name, def, value);
    if ('message' in checked) issues.push({ code: 'MS209', message: checked.message, span: expr });
    else attrs[def.name] = checked.value;
    attrSpans[def.name] = expr;
  }

  const operands = op.listOperand && first?.kind === 'list' ? first.items : given;
  return { bound: { operands, attrs, attrSpans }, issues };
}
