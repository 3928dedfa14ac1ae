import type { Diagnostic } from '../spec/diagnostics.js';
import type { LocatedSpec, SpecPath } from '../spec/located.js';
import { parseExpression } from './expr/parse.js';
import { referencedNames } from './names.js';
import { Reporter } from './report.js';

/** Semantic checks of a schema-valid spec: every finding of the file, in one pass. */
export function checkSpec(located: LocatedSpec): Diagnostic[] {
  const { spec } = located;
  const reporter = new Reporter(located);
  const known = [
    ...Object.keys(spec.inputs ?? {}),
    ...Object.keys(spec.parameters ?? {}),
    ...Object.keys(spec.graph ?? {}),
    ...(spec.layers ? [spec.layers.to] : []),
  ];
  const expressions: [SpecPath, string][] = Object.entries(spec.graph ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, text]) => [['graph', name], text]);
  if (typeof spec.loss === 'string') expressions.push([['loss'], spec.loss]);
  for (const [path, text] of expressions) {
    const parsed = parseExpression(text);
    if (!parsed.ok) {
      reporter.error('MS201', { path, span: parsed.error }, parsed.error.message);
      continue;
    }
    for (const ref of referencedNames(parsed.expr)) {
      if (!known.includes(ref.name)) {
        reporter.error(
          'MS202',
          { path, span: ref },
          `unknown name '${ref.name}' in expression (known: ${known.join(', ')})`,
        );
      }
    }
  }
  return reporter.diagnostics;
}
