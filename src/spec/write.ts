import { parseDocument, stringify } from 'yaml';
import type { Spec } from './types.js';

/** A Spec object as YAML text, so it can be checked exactly as a file would be. */
export function specText(spec: Spec): string {
  return stringify(spec);
}

/**
 * The spec text with its `train` section replaced (spec.resolved.yaml); the Document API keeps
 * the user's comments everywhere else.
 */
export function withTrainSection(text: string, train: unknown): string {
  const document = parseDocument(text);
  document.set('train', document.createNode(train));
  return document.toString();
}
