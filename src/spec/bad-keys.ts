import { type Document, isCollection, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { Codes } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import type { SourceText } from './source-text.js';

/**
 * Keys a spec cannot use: a list or mapping as a key (`? [a, b]`), and every key that repeats
 * an earlier key of the same mapping, reported at the repeat.
 * Done here in one linear pass rather than by the yaml package's `uniqueKeys`, which compares
 * each key with all earlier ones (a mapping of 20,000 keys took seconds).
 */
export function badKeys(doc: Document, source: SourceText): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      stack.push(...node.items);
    } else if (isMap(node)) {
      const first = new Map<string, Node>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        stack.push(pair.key, pair.value);
        const key = pair.key;
        if (isCollection(key)) {
          diagnostics.push({
            ...source.span(key.range?.[0] ?? 0, key.range?.[1] ?? 1),
            code: Codes.collectionKey,
            severity: 'error',
            message: 'a key must be a name or a string, not a list or mapping',
            path: '',
          });
          continue;
        }
        if (!isScalar(key) || !key.range) continue;
        const name = String(key.value);
        const earlier = first.get(name);
        if (earlier === undefined) {
          first.set(name, key);
          continue;
        }
        const firstLine = source.position(earlier.range?.[0] ?? 0).line;
        diagnostics.push({
          ...source.span(key.range[0], key.range[1]),
          code: Codes.duplicateKey,
          severity: 'error',
          message: `duplicate key '${name}' (first on line ${firstLine}): each key may appear once in a mapping`,
          path: '',
        });
      }
    }
  }
  return diagnostics;
}
