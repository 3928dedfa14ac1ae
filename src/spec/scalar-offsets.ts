import type { Scalar } from 'yaml';

/**
 * Where each character of a scalar's value sits in the source text.
 * `offsets[i]` is the source offset of value character `i`; the extra last entry is the offset
 * just after the value, so a span ending at the end of the value has a place too.
 * Characters that YAML made out of several source characters (an escape like `\n`, a quoted `''`)
 * map to the first of them; a line break folded into a space maps to the end of its line.
 */
export type ScalarOffsets = number[];

interface Line {
  start: number;
  text: string;
  /** Offset of the line break after this line (or of the end of the scalar). */
  end: number;
}

const SINGLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

function splitLines(text: string, from: number, to: number): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start <= to) {
    let end = text.indexOf('\n', start);
    if (end === -1 || end > to) end = to;
    const raw = text.slice(start, end);
    lines.push({ start, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, end });
    start = end + 1;
  }
  return lines;
}

class Builder {
  value = '';
  readonly offsets: number[] = [];

  /** Characters made from one place in the source (an escape, a folded line break). */
  push(chars: string, offset: number): void {
    for (let i = 0; i < chars.length; i++) this.offsets.push(offset);
    this.value += chars;
  }

  /** Characters copied one for one from the source starting at `offset`. */
  copy(chars: string, offset: number): void {
    for (let i = 0; i < chars.length; i++) this.offsets.push(offset + i);
    this.value += chars;
  }
}

/** Decodes one line of a double-quoted scalar; returns whether it ends in an escaped line break. */
function pushDoubleQuoted(out: Builder, text: string, start: number): boolean {
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '\\') {
      out.push(ch, start + i);
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) return true;
    const simple = SINGLE_ESCAPES[next];
    if (simple !== undefined) {
      out.push(simple, start + i);
      i += 2;
      continue;
    }
    const hexLength = HEX_ESCAPE_LENGTH[next] ?? 0;
    const code = Number.parseInt(text.slice(i + 2, i + 2 + hexLength), 16);
    out.push(Number.isNaN(code) ? next : String.fromCodePoint(code), start + i);
    i += 2 + hexLength;
  }
  return false;
}

function pushSingleQuoted(out: Builder, text: string, start: number): void {
  for (let i = 0; i < text.length; i++) {
    out.push(text[i], start + i);
    if (text[i] === "'" && text[i + 1] === "'") i += 1;
  }
}

/** Plain and quoted scalars: line breaks fold into a space, or n-1 newlines for n breaks. */
function flowOffsets(text: string, node: Scalar, from: number, to: number): Builder {
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
  const lines = splitLines(text, quoted ? from + 1 : from, quoted ? to - 1 : to);
  const out = new Builder();
  let emptyLines = 0;
  let joinWithoutSpace = false;
  lines.forEach((line, k) => {
    let content = line.text;
    let start = line.start;
    if (k > 0) {
      const trimmed = content.replace(/^[ \t]+/, '');
      start += content.length - trimmed.length;
      content = trimmed;
    }
    const escapedBreak = node.type === 'QUOTE_DOUBLE' && /(^|[^\\])(\\\\)*\\$/.test(content);
    if (k < lines.length - 1 && !escapedBreak) content = content.replace(/[ \t]+$/, '');
    if (k > 0 && k < lines.length - 1 && content === '') {
      emptyLines += 1;
      return;
    }
    if (k > 0) {
      const breakAt = lines[k - 1 - emptyLines].end;
      if (emptyLines > 0) out.push('\n'.repeat(emptyLines), breakAt);
      else if (!joinWithoutSpace) out.push(' ', breakAt);
      emptyLines = 0;
    }
    if (node.type === 'QUOTE_DOUBLE') joinWithoutSpace = pushDoubleQuoted(out, content, start);
    else if (node.type === 'QUOTE_SINGLE') pushSingleQuoted(out, content, start);
    else out.copy(content, start);
  });
  return out;
}

/** Literal (`|`) and folded (`>`) block scalars; the indentation is that of the first content line. */
function blockOffsets(text: string, node: Scalar, from: number, to: number): Builder {
  const [, ...lines] = splitLines(text, from, to);
  const firstContent = lines.find((line) => line.text.trim() !== '');
  const indent = firstContent ? /^ */.exec(firstContent.text)![0].length : 0;
  const folded = node.type === 'BLOCK_FOLDED';
  const out = new Builder();
  let previous: 'none' | 'normal' | 'more' = 'none';
  let pendingBreaks: number[] = [];
  let lastEnd = from;
  for (const line of lines) {
    const content = line.text.slice(indent);
    if (line.text.trim() === '' && line.text.length <= indent) {
      pendingBreaks.push(lastEnd);
      lastEnd = line.end;
      continue;
    }
    const kind = /^[ \t]/.test(content) ? 'more' : 'normal';
    if (previous !== 'none') {
      const breaks = pendingBreaks.length + 1;
      if (folded && previous === 'normal' && kind === 'normal') {
        out.push(breaks === 1 ? ' ' : '\n'.repeat(breaks - 1), lastEnd);
      } else {
        out.push('\n'.repeat(breaks), lastEnd);
      }
    } else if (pendingBreaks.length > 0) {
      out.push('\n'.repeat(pendingBreaks.length), pendingBreaks[0]);
    }
    out.copy(content, line.start + indent);
    pendingBreaks = [];
    previous = kind;
    lastEnd = line.end;
  }
  return out;
}

/**
 * Source offsets of every character of `node`'s value, or null when this function cannot
 * reproduce the value that yaml parsed (then callers fall back to the scalar's first line).
 * Trailing line breaks of block scalars (chomping) are not mapped: expressions do not end there.
 */
export function scalarOffsets(text: string, node: Scalar): ScalarOffsets | null {
  if (!node.range) return null;
  const [from, to] = node.range;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const built = block ? blockOffsets(text, node, from, to) : flowOffsets(text, node, from, to);
  const value = typeof node.value === 'string' ? node.value : text.slice(from, to);
  const expected = block ? value.replace(/\n+$/, '') : value;
  const got = block ? built.value.replace(/\n+$/, '') : built.value;
  if (got !== expected) return null;
  const offsets = built.offsets.slice(0, expected.length);
  const last = offsets.length > 0 ? offsets[offsets.length - 1] + 1 : block ? to : from;
  offsets.push(last);
  return offsets;
}
