import { lowerSpec } from '../../src/compiler/lower.js';
import type { Diagnostic } from '../../src/spec/diagnostics.js';
import { parseSpecDocument } from '../../src/spec/parse.js';

/** The lines every test spec starts with (2 lines, so the body starts on line 3). */
export const HEADER = 'modelspec: 1\nname: t\n';

/** Parses and lowers `HEADER + body`; fails the test if the YAML or schema part is wrong. */
export function lowerYaml(body: string) {
  const { located, diagnostics } = parseSpecDocument(HEADER + body, { filename: 't.yaml' });
  if (!located) {
    throw new Error(
      `spec did not parse: ${diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`,
    );
  }
  return lowerSpec(located);
}

/** `CODE line:column` of every error (warnings left out), in report order. */
export function errorsOf(body: string): string[] {
  return lowerYaml(body)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.line}:${d.column}`);
}

export function onlyError(body: string): Diagnostic {
  const errors = lowerYaml(body).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length !== 1) {
    throw new Error(
      `expected one error, got ${errors.length}: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`,
    );
  }
  return errors[0];
}

/** Lowers a spec that must be free of errors and returns its graph. */
export function graphOf(body: string) {
  const { graph, diagnostics } = lowerYaml(body);
  if (!graph)
    throw new Error(
      diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`).join('\n'),
    );
  return graph;
}
