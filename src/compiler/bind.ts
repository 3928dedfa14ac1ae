import type { CallExpr, Expr, Span } from './expr/ast.js';
import type { AttrValue } from './graph.js';
import type { AttrDef, OpDef } from './op-catalog.js';

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

const TYPE_WORDS: Record<AttrDef['type'], string> = {
  int: 'an integer',
  float: 'a number',
  bool: 'true or false',
  ints: 'a list of integers',
};

/** Checks one attribute value against its definition (type and bounds). */
export function checkAttr(
  opName: string,
  def: AttrDef,
  value: unknown,
): { value: AttrValue } | { message: string } {
  const expected = `${opName}: ${def.name} must be ${TYPE_WORDS[def.type]}`;
  const ok =
    (def.type === 'int' && typeof value === 'number' && Number.isInteger(value)) ||
    (def.type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
    (def.type === 'bool' && typeof value === 'boolean') ||
    (def.type === 'ints' && Array.isArray(value) && value.every(Number.isInteger)) ||
    (value === null && def.default === null);
  if (!ok) {
    const found =
      value === undefined
        ? 'an expression'
        : typeof value === 'number'
          ? String(value)
          : JSON.stringify(value);
    return { message: `${expected}, got ${found}` };
  }
  if (
    typeof value === 'number' &&
    ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))
  ) {
    const range =
      def.max === undefined ? `at least ${def.min}` : `between ${def.min} and ${def.max}`;
    return { message: `${opName}: ${def.name} must be ${range}, got ${value}` };
  }
  return { value: value as AttrValue };
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
  const operandCount = op.listOperand ? 1 : op.operands.length;
  const required = operandCount - op.optionalOperands;
  const given = call.args.slice(0, operandCount);
  // An operand passed by keyword is its own finding (MS207), not also a missing operand.
  const operandKeywords = call.keywords.filter((k) => op.operands.includes(k.name)).length;
  if (given.length + operandKeywords < required) {
    const names = op.operands.join(', ');
    issues.push({
      code: 'MS206',
      message: `${op.name} takes ${required === operandCount ? required : `${required} to ${operandCount}`} tensor operand${operandCount === 1 ? '' : 's'} (${names}), got ${given.length}`,
      span: call,
    });
  }
  const positionalAttrs = call.args.slice(operandCount);
  positionalAttrs.slice(op.attrs.length).forEach((extra) => {
    const attrNames = op.attrs.map((a) => a.name).join(', ');
    issues.push({
      code: 'MS206',
      message: `${op.name} takes at most ${operandCount} tensor operand${operandCount === 1 ? '' : 's'} and ${op.attrs.length} attribute${op.attrs.length === 1 ? '' : 's'}${attrNames ? ` (${attrNames})` : ''}; this argument is one too many`,
      span: extra,
    });
  });

  const attrExprs = new Map<string, Expr>();
  positionalAttrs.slice(0, op.attrs.length).forEach((expr, i) => {
    attrExprs.set(op.attrs[i].name, expr);
  });
  const seen = new Set<string>();
  for (const keyword of call.keywords) {
    const def = op.attrs.find((a) => a.name === keyword.name);
    if (!def && op.operands.includes(keyword.name)) {
      issues.push({
        code: 'MS207',
        message: `'${keyword.name}' is a tensor operand of ${op.name}; pass it by position: ${op.name}(${op.operands.join(', ')})`,
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
    const checked = checkAttr(op.name, def, literalValue(expr));
    if ('message' in checked) issues.push({ code: 'MS209', message: checked.message, span: expr });
    else attrs[def.name] = checked.value;
    attrSpans[def.name] = expr;
  }

  const operands = op.listOperand && first?.kind === 'list' ? first.items : given;
  return { bound: { operands, attrs, attrSpans }, issues };
}
