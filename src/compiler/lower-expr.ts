import type { SpecPath } from '../spec/located.js';
import type { DTypeName } from '../spec/types.js';
import { didYouMean, suggest } from '../tensor/suggest.js';
import { bindCall } from './bind.js';
import { BINARY_OPS, type Expr, type NumberExpr } from './expr/ast.js';
import type { AttrValue } from './graph.js';
import { knownNames } from './names.js';
import { findOp, OP_CATALOG } from './op-catalog.js';
import type { Site } from './report.js';
import type { Scope } from './scope.js';

/** A lowered operand: a value's name, a number literal waiting for its dtype, or a failure. */
type Operand = { name: string } | { literal: NumberExpr; value: number } | null;

function numberLiteral(expr: Expr): { literal: NumberExpr; value: number } | undefined {
  if (expr.kind === 'number') return { literal: expr, value: expr.value };
  if (expr.kind === 'neg' && expr.operand.kind === 'number')
    return { literal: expr.operand, value: -expr.operand.value };
  return undefined;
}

/**
 * Turns one expression into nodes. The root is named after the entry (`hidden`, `h.0/y` in a
 * block instance); the nodes under it are `<entry>/<op>_<k>`, k counting that op (or module)
 * within the entry from 1 in evaluation order (`hidden/matmul_1`, `hidden/add_1`,
 * `hidden/const_1`, `logits/lm_head_1`). A call of a module of the scope adds that module's
 * nodes (modules.ts).
 */
export class ExpressionLowering {
  private readonly counts = new Map<string, number>();
  private readonly lowering: Scope['lowering'];
  private readonly entry: string;
  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly scope: Scope,
    entry: string,
    private readonly path: SpecPath,
  ) {
    this.lowering = scope.lowering;
    this.entry = scope.nodeName(entry);
    this.known = scope.known();
  }

  /** Lowers the whole expression; returns the root's name or null. */
  lowerRoot(expr: Expr): string | null {
    const operand = this.operand(expr, this.entry);
    if (operand === null) return null;
    if ('literal' in operand) return this.constant(operand, 'float32', this.entry);
    if (operand.name === this.entry) return operand.name;
    // A bare name (`h2: hidden`) still needs a node of its own name.
    return this.lowering.addNode({
      name: this.entry,
      op: 'identity',
      inputs: [operand.name],
      attrs: {},
      site: this.site(expr),
      operandSites: [this.site(expr)],
    });
  }

  /** A bare name as the whole expression: the value itself, no node. */
  lowerReference(expr: Extract<Expr, { kind: 'name' }>): string | null {
    const operand = this.reference(expr);
    return operand && 'name' in operand ? operand.name : null;
  }

  private site(expr: { start: number; length: number }): Site {
    return { path: this.path, span: { start: expr.start, length: expr.length } };
  }

  private nextName(op: string): string {
    const k = (this.counts.get(op) ?? 0) + 1;
    this.counts.set(op, k);
    return `${this.entry}/${op}_${k}`;
  }

  private constant(
    operand: { literal: NumberExpr; value: number },
    dtype: DTypeName,
    name?: string,
  ): string | null {
    return this.lowering.addNode({
      name: name ?? this.nextName('const'),
      op: 'constant',
      inputs: [],
      attrs: { value: operand.value },
      site: this.site(operand.literal),
      operandSites: [],
      constantDtype: dtype,
    });
  }

  /** `name` is the node name for this expression when it makes a node (the root's is the entry). */
  private operand(expr: Expr, name?: string): Operand {
    const literal = numberLiteral(expr);
    if (literal) return literal;
    switch (expr.kind) {
      case 'name':
        return this.reference(expr);
      case 'bool':
      case 'list':
      case 'number':
        this.lowering.reporter.error(
          'MS211',
          this.site(expr),
          `expected a tensor here, got ${expr.kind === 'list' ? 'a list (only concat takes a list)' : `'${expr.value}'`}`,
        );
        return null;
      case 'binary':
        if (expr.op === '//') {
          this.lowering.reporter.error(
            'MS211',
            { path: this.path, span: expr.opSpan },
            "'//' divides sizes (n_embd // n_head), not tensors; use / and floor-free math for tensors",
          );
          return null;
        }
        return this.apply(BINARY_OPS[expr.op], [expr.left, expr.right], {}, expr, name);
      case 'neg':
        return this.apply('neg', [expr.operand], {}, expr, name);
      case 'transpose':
        return this.transpose(expr, name);
      case 'call':
        return this.call(expr, name);
    }
  }

  private reference(expr: Extract<Expr, { kind: 'name' }>): Operand {
    const value = this.scope.value(expr.name);
    if (value !== undefined) return { name: value };
    if (this.known.has(expr.name) && !this.scope.modules.has(expr.name)) return null;
    const owner = expr.name.split('.')[0];
    const hint = this.scope.modules.has(expr.name)
      ? `; '${expr.name}' is a module: call it as ${expr.name}(...)`
      : this.scope.modules.has(owner)
        ? `; module '${owner}' has no parameter '${expr.name.slice(owner.length + 1)}' (yet: a module makes its parameters when it is first called)`
        : OP_CATALOG.has(expr.name)
          ? `; '${expr.name}' is an op: call it as ${expr.name}(...)`
          : didYouMean(expr.name, this.known);
    this.lowering.reporter.error(
      'MS202',
      this.site(expr),
      `unknown name '${expr.name}' in expression${hint} ${knownNames(this.known)}`,
    );
    return null;
  }

  private transpose(expr: Extract<Expr, { kind: 'transpose' }>, name?: string): Operand {
    const inner = this.operand(expr.operand);
    if (inner && 'name' in inner) {
      const rank = this.lowering.values.get(inner.name)?.shape.length;
      if (rank !== 2) {
        const shape = this.lowering.values.get(inner.name)!.shape;
        this.lowering.reporter.error(
          'MS303',
          this.site(expr),
          `.T needs a 2-D tensor, got [${shape.join(', ')}]; use transpose(x, axis0=, axis1=) for other ranks`,
        );
        return null;
      }
    }
    return this.finish('transpose', [inner], [expr.operand], { axis0: -2, axis1: -1 }, expr, name);
  }

  private call(expr: Extract<Expr, { kind: 'call' }>, name?: string): Operand {
    const module = this.scope.modules.get(expr.callee);
    if (module) return this.moduleCall(module, expr, name);
    // A declared module that could not be built was reported where it is declared.
    if (this.known.has(expr.callee) && !findOp(expr.callee)) return null;
    const op = findOp(expr.callee);
    if (!op) {
      const hint = didYouMean(expr.callee, [...this.scope.modules.keys(), ...OP_CATALOG.keys()]);
      this.lowering.reporter.error(
        'MS205',
        { path: this.path, span: expr.calleeSpan },
        `unknown op '${expr.callee}'${hint}`,
      );
      // Still look inside, so the arguments' own mistakes are reported in this run too.
      for (const arg of [...expr.args, ...expr.keywords.map((k) => k.value)]) {
        if (arg.kind !== 'number' && arg.kind !== 'bool' && arg.kind !== 'list') this.operand(arg);
      }
      return null;
    }
    const { bound, issues } = bindCall(
      op,
      expr,
      (keyword) =>
        suggest(
          keyword,
          op.attrs.map((a) => a.name),
        ),
      this.scope.env,
    );
    for (const issue of issues) {
      this.lowering.reporter.error(
        issue.code,
        { path: this.path, span: issue.span },
        issue.message,
      );
    }
    if (issues.length > 0) {
      for (const operand of bound.operands) this.operand(operand);
      return null;
    }
    return this.apply(op.name, bound.operands, bound.attrs, expr, name);
  }

  /** `lm_head(x)`, `h(tok + pos)`, `attn(ln_1(x))`: a module of the scope, called. */
  private moduleCall(
    module: import('./modules.js').ModuleInstance,
    expr: Extract<Expr, { kind: 'call' }>,
    name?: string,
  ): Operand {
    const site = this.site(expr);
    if (expr.keywords.length > 0 || expr.args.length !== module.arity) {
      this.lowering.reporter.error(
        'MS223',
        { path: this.path, span: expr.keywords[0]?.nameSpan ?? expr },
        expr.keywords.length > 0
          ? `module '${expr.callee}' takes its inputs by position, without keywords`
          : `module '${expr.callee}' (${module.kind}) takes ${module.arity} input${module.arity === 1 ? '' : 's'}, got ${expr.args.length}`,
      );
      for (const arg of expr.args) this.operand(arg);
      return null;
    }
    const operands = expr.args.map((arg) => this.operand(arg));
    const inputs: string[] = [];
    for (const [i, operand] of operands.entries()) {
      if (operand === null) return null;
      inputs.push('name' in operand ? operand.name : (this.constant(operand, 'float32') ?? ''));
      if (inputs[i] === '') return null;
    }
    const result = module.call(
      inputs,
      name ?? this.nextName(expr.callee),
      site,
      expr.args.map((arg) => this.site(arg)),
    );
    return result === null ? null : { name: result };
  }

  private apply(
    op: string,
    args: Expr[],
    attrs: Record<string, AttrValue>,
    expr: Expr,
    name?: string,
  ): Operand {
    const operands = args.map((arg) => this.operand(arg));
    return this.finish(op, operands, args, attrs, expr, name);
  }

  /** Materialises literal operands (a whole-number literal like `2`, not `2.0`, next to an int32 tensor is int32) and adds the node. */
  private finish(
    op: string,
    operands: Operand[],
    args: Expr[],
    attrs: Record<string, AttrValue>,
    expr: Expr,
    name?: string,
  ): Operand {
    const tensorDtypes = operands.flatMap((o) =>
      o && 'name' in o ? [this.lowering.values.get(o.name)?.dtype] : [],
    );
    const inputs = operands.map((o) => {
      if (o === null) return null;
      if ('name' in o) return o.name;
      const dtype = tensorDtypes.includes('int32') && o.literal.integral ? 'int32' : 'float32';
      return this.constant(o, dtype);
    });
    const nodeName = name ?? this.nextName(op);
    const added = this.lowering.addNode({
      name: nodeName,
      op,
      inputs,
      attrs,
      site: this.site(expr),
      operandSites: args.map((a) => this.site(a)),
    });
    return added === null ? null : { name: added };
  }
}
