import { checkAttr } from '../opdefs/attrs.js';
import type { AttrDef } from '../opdefs/types.js';
import { type Env, evaluate } from './env.js';
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

/**
 * An attribute's value from its expression: a literal (`-1`, `0.5`, `true`, `[-1, 64]`), a word
 * for a choice (`reduction=sum`), or arithmetic over dims and block args (`n_embd // n_head`).
 * A size attribute may name sizes bound at run time (`shape=[batch, t, n_embd]`).
 */
export function attrValue(
  def: AttrDef,
  expr: Expr,
  env: Env,
): { value: unknown } | { message: string; span: Span } {
  // A word of the attribute's choices is a bare name: `reduction=sum`, `padding=same`.
  if (expr.kind === 'name' && def.choices?.includes(expr.name)) return { value: expr.name };
  if (expr.kind === 'name' && !env.has(expr.name) && !def.symbolic) {
    return {
      message: `must be a number${env.size ? ' or a dim' : ''}, got '${expr.name}'${env.size ? ` (dims and args: ${[...env.keys()].join(', ')})` : ''}`,
      span: expr,
    };
  }
  // The attribute's own check (checkAttr) says what kind of number it wants.
  const options = { symbols: def.symbolic === true };
  if (expr.kind === 'list') {
    const items: unknown[] = [];
    for (const item of expr.items) {
      const value = evaluate(item, env, options);
      if ('message' in value) return value;
      items.push(value.value);
    }
    return { value: items };
  }
  return evaluate(expr, env, options);
}

/**
 * Matches a call to its op: tensor operands first and positional, then attributes positionally
 * in documented order or by keyword. Reports every problem it finds.
 */
export function bindCall(
  op: OpDef,
  call: CallExpr,
  suggestKeyword: (name: string) => string | undefined,
  env: Env,
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
    const value = attrValue(def, expr, env);
    if ('message' in value) {
      issues.push({
        code: 'MS209',
        message: `${op.name}: ${def.name}: ${value.message}`,
        span: value.span,
      });
      attrSpans[def.name] = expr;
      continue;
    }
    const checked = checkAttr(op.name, def, value.value);
    if ('message' in checked) issues.push({ code: 'MS209', message: checked.message, span: expr });
    else attrs[def.name] = checked.value;
    attrSpans[def.name] = expr;
  }

  const operands = op.listOperand && first?.kind === 'list' ? first.items : given;
  return { bound: { operands, attrs, attrSpans }, issues };
}
