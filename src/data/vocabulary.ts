import { DataError, type DataErrorLocation } from './errors.js';

/**
 * A character vocabulary: token i stands for `vocab[i]`. Characters are Unicode code points
 * (as Python's str, so a vocabulary equals nanoGPT's `sorted(set(text))`), sorted by code point.
 * Line data reserves id 0 for the line boundary, stored as '\n' (a line never holds one), which
 * starts and ends every example (makemore's token 0).
 */
export type Vocabulary = readonly string[];

export const LINE_BOUNDARY = '\n';

/** The distinct characters of `texts`, sorted by code point. */
export function characterSet(texts: Iterable<string>): string[] {
  const seen = new Set<number>();
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      const code = text.codePointAt(i) as number;
      if (code > 0xffff) i++;
      seen.add(code);
    }
  }
  return [...seen].sort((a, b) => a - b).map((code) => String.fromCodePoint(code));
}

/** A character as an error message shows it: printable ones quoted, others by code point. */
export function showCharacter(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? `'${c}' (${name})` : name;
}

/**
 * The token ids of `text`; characters outside the vocabulary are one DataError that names them
 * (each once, in order of appearance, at most 10).
 */
export function encode(
  text: string,
  vocab: Vocabulary,
  what: string,
  location: DataErrorLocation = {},
): Int32Array {
  const index = new Map(vocab.map((c, i) => [c.codePointAt(0) as number, i]));
  const ids = new Int32Array(text.length);
  let n = 0;
  const unknown = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) as number;
    if (code > 0xffff) i++;
    const id = index.get(code);
    if (id === undefined) unknown.add(code);
    else ids[n++] = id;
  }
  if (unknown.size > 0) {
    const list = [...unknown].map((code) => String.fromCodePoint(code));
    const shown = list.slice(0, 10).map(showCharacter).join(', ');
    const more = list.length > 10 ? ` and ${list.length - 10} more` : '';
    throw new DataError(
      `${what} has ${list.length === 1 ? 'a character' : `${list.length} characters`} that the training text does not have: ${shown}${more}`,
      location,
    );
  }
  return ids.slice(0, n);
}

/** The text of token ids. */
export function decode(ids: ArrayLike<number>, vocab: Vocabulary): string {
  let text = '';
  for (let i = 0; i < ids.length; i++) text += vocab[ids[i]];
  return text;
}
