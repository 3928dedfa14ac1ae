import { opDef } from '../opdefs/index.js';
import { CODES, ShapeIssue, type ValueInfo } from '../opdefs/shape-issue.js';
import type { SourceLocation } from '../spec/diagnostics.js';
import type { LocatedSpec, SpecPath } from '../spec/located.js';
import type { DTypeName, InitSpec } from '../spec/types.js';
import { ABSENT, type AttrValue, type GraphNode, type ResolvedInit } from './graph.js';
import { inferNode, sizeIssue } from './infer.js';
import { Reporter, type Site } from './report.js';

export interface NodeDraft {
  name: string;
  op: string;
  /** Operand names; null where the operand could not be lowered (already reported). */
  inputs: (string | null)[];
  attrs: Record<string, AttrValue>;
  site: Site;
  operandSites: Site[];
  constantDtype?: DTypeName;
  /** The module whose call made the node (its dotted path); none at the top level. */
  module?: string;
}

/**
 * A parameter before its init is resolved (declared ones, and a module's `init:` overrides,
 * whose fan is torch's rule for the shape when `torchFan`) or already resolved (a module
 * kind's torch default).
 */
export interface ParamDraft {
  name: string;
  shape: number[];
  init: { spec: InitSpec | undefined; torchFan?: boolean } | { resolved: ResolvedInit };
  trainable: boolean;
  path: SpecPath;
  /** Declaration order (see modules.ts): parameters are listed, and initialised, in this order. */
  key: readonly number[];
  /** The dims and args its init's numbers may use. */
  env?: import('./env.js').Env;
}

/** A buffer as a module makes it (its init already resolved). */
export interface BufferDraft {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  init: ResolvedInit;
  persistent: boolean;
  path: SpecPath;
  /** Declaration order, as ParamDraft's: a module's parameters, then its buffers. */
  key: readonly number[];
}

/**
 * The state of one lowering run: known values with their shapes, the nodes made so far (in
 * topological order), and the reporter. A value that failed is simply absent, so whatever
 * depends on it is skipped without a second finding.
 */
export class Lowering {
  readonly reporter: Reporter;
  readonly values = new Map<string, ValueInfo>();
  readonly nodes: GraphNode[] = [];
  readonly params: ParamDraft[] = [];
  readonly buffers: BufferDraft[] = [];
  /** The block instance whose graph is being lowered (its path), for the nodes it adds. */
  module: string | undefined = undefined;

  constructor(readonly located: LocatedSpec) {
    this.reporter = new Reporter(located);
  }

  loc(site: Site): SourceLocation {
    return this.reporter.locate(site);
  }

  addParam(param: ParamDraft): void {
    const value: ValueInfo = { shape: [...param.shape], dtype: 'float32' };
    const tooLarge = sizeIssue(`parameter '${param.name}'`, value);
    if (tooLarge)
      this.reporter.error(tooLarge.code, { path: [...param.path, 'shape'] }, tooLarge.message);
    this.params.push(param);
    // A name declared twice (MS203) keeps its first meaning, so later findings stay about it.
    if (!this.values.has(param.name)) this.values.set(param.name, value);
  }

  addBuffer(buffer: BufferDraft): void {
    const value: ValueInfo = { shape: [...buffer.shape], dtype: buffer.dtype };
    const tooLarge = sizeIssue(`buffer '${buffer.name}'`, value);
    if (tooLarge)
      this.reporter.error(tooLarge.code, { path: [...buffer.path, 'shape'] }, tooLarge.message);
    this.buffers.push(buffer);
    if (!this.values.has(buffer.name)) this.values.set(buffer.name, value);
  }

  /** Infers and records a node; returns its name, or null when it (or an operand) failed. */
  addNode(draft: NodeDraft): string | null {
    const lost = (name: string | null) =>
      name === null || (name !== ABSENT && !this.values.has(name));
    if (draft.inputs.some(lost)) return null;
    const inputs = draft.inputs as string[];
    let value: ValueInfo;
    try {
      this.checkWrites(draft.op, inputs);
      value = inferNode(
        draft.op,
        inputs.map((name) => this.values.get(name) as ValueInfo),
        draft.attrs,
        draft.constantDtype,
      );
      const tooLarge = sizeIssue(`'${draft.name}' (${draft.op})`, value);
      if (tooLarge) throw tooLarge;
    } catch (error) {
      if (!(error instanceof ShapeIssue)) throw error;
      const site =
        error.operand !== undefined
          ? (draft.operandSites[error.operand] ?? draft.site)
          : draft.site;
      this.reporter.error(error.code, site, error.message);
      return null;
    }
    this.values.set(draft.name, value);
    const module = draft.module ?? this.module;
    this.nodes.push({
      name: draft.name,
      op: draft.op,
      inputs,
      attrs: draft.attrs,
      shape: value.shape,
      // Compiling, inference sees only the spec's dtypes.
      dtype: value.dtype as DTypeName,
      loc: this.loc(draft.site),
      ...(module === undefined ? {} : { module }),
    });
    return draft.name;
  }

  /** An operand an op updates in place (running statistics) must be a buffer. */
  private checkWrites(op: string, inputs: readonly string[]): void {
    const def = opDef(op);
    for (const k of def?.writes?.operands ?? []) {
      const name = inputs[k];
      if (name === undefined || name === ABSENT || this.buffers.some((b) => b.name === name)) {
        continue;
      }
      throw new ShapeIssue(
        CODES.stateOperand,
        `${op} updates its ${def?.operands[k].name} in place (state, never trained), so it must be a buffer, not '${name}'; the op's module kind makes its own`,
        k,
      );
    }
  }
}
