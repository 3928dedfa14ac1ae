import type { Graph } from '../compiler/graph.js';
import { lowerSpec } from '../compiler/lower.js';
import { platform } from '../platform/index.js';
import { type Diagnostic, SpecError } from '../spec/diagnostics.js';
import { parseSpecDocument } from '../spec/parse.js';
import { readSpecFile } from '../spec/read.js';
import type { Spec } from '../spec/types.js';
import { specText } from '../spec/write.js';
import { Model } from './model.js';

export interface CompileOptions {
  filename?: string;
  /** Seed of parameter initialisation (default: the spec's train.seed, else 0). */
  seed?: number;
  /** false: always run the interpreter, recording every op (see Model.usePlan). Default true. */
  plan?: boolean;
  /** Values for the spec's dims, over its own (the CLI's `--dim n_layer=6`). */
  dims?: Readonly<Record<string, number>>;
}

export interface CompiledSpec {
  graph: Graph;
  /** Warnings (errors throw). */
  diagnostics: Diagnostic[];
  /** sha256 of the spec text: a checkpoint remembers which spec wrote it. */
  hash: string;
}

/**
 * Parses, validates and lowers a spec to its Graph; throws SpecError with every diagnostic of
 * the file when anything is wrong. A Spec object is written out as YAML first, so it is
 * checked exactly as a file would be.
 */
export function lowerSpecText(
  text: string | Spec,
  options: { filename?: string; dims?: Readonly<Record<string, number>> } = {},
): CompiledSpec {
  const source = typeof text === 'string' ? text : specText(text);
  const filename = options.filename ?? '<spec>';
  const parsed = parseSpecDocument(source, { filename });
  const diagnostics = [...parsed.diagnostics];
  let graph: Graph | null = null;
  if (parsed.located) {
    const lowered = lowerSpec(parsed.located, { dims: options.dims });
    diagnostics.push(...lowered.diagnostics);
    graph = lowered.graph;
  }
  if (graph === null || diagnostics.some((d) => d.severity === 'error')) {
    throw new SpecError(diagnostics);
  }
  return {
    graph,
    diagnostics,
    hash: platform().sha256(source),
  };
}

/** A spec (YAML text or a Spec object) compiled into a Model. */
export function compileSpec(text: string | Spec, options: CompileOptions = {}): Model {
  const { graph } = lowerSpecText(text, options);
  return new Model(graph, { seed: options.seed, plan: options.plan });
}

/** Reads, checks and compiles a spec file; problems with the file itself are SpecErrors too. */
export function compileFile(path: string, options: Omit<CompileOptions, 'filename'> = {}): Model {
  return compileSpec(readSpec(path), { ...options, filename: path });
}

/** The text of a spec file, or a SpecError saying why it can't be read. */
export function readSpec(path: string): string {
  const read = readSpecFile(path);
  if (read.text === null) throw new SpecError([read.diagnostic]);
  return read.text;
}

/** A Model from a saved Graph (the JSON `modelspec compile -o` writes). */
export function loadGraph(
  graph: Graph | string,
  options: { seed?: number; plan?: boolean } = {},
): Model {
  const parsed: Graph = typeof graph === 'string' ? JSON.parse(graph) : graph;
  return new Model(parsed, options);
}
