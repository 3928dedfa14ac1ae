import { ShapeIssue, type ValueInfo } from '../opdefs/shape-issue.js';
import type { SourceLocation } from '../spec/diagnostics.js';
import type { LocatedSpec, SpecPath } from '../spec/located.js';
import type { DTypeName, InitSpec } from '../spec/types.js';
import type { AttrValue, GraphNode, ResolvedInit } from './graph.js';
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
}

/** A parameter before its init is resolved (declared ones) or already resolved (from `layers`). */
export interface ParamDraft {
  name: string;
  shape: number[];
  init: { spec: InitSpec | undefined } | { resolved: ResolvedInit };
  trainable: boolean;
  path: SpecPath;
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

  /** Infers and records a node; returns its name, or null when it (or an operand) failed. */
  addNode(draft: NodeDraft): string | null {
    if (draft.inputs.some((name) => name === null || !this.values.has(name))) return null;
    const inputs = draft.inputs as string[];
    let value: ValueInfo;
    try {
      value = inferNode(
        draft.op,
        inputs.map((name) => this.values.get(name)!),
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
    this.nodes.push({
      name: draft.name,
      op: draft.op,
      inputs,
      attrs: draft.attrs,
      shape: value.shape,
      // Compiling, inference sees only the spec's dtypes.
      dtype: value.dtype as DTypeName,
      loc: this.loc(draft.site),
    });
    return draft.name;
  }
}
