/**
 * A quick over-estimate of how deeply a YAML text nests, made before the YAML parser sees it:
 * the parser recurses once per level, and a few thousand levels exhaust the stack (which V8 can
 * turn into a fatal out-of-memory error, not an exception). Returns the offset where the
 * estimate first goes over `limit`, or null.
 *
 * Block levels are counted from indentation (a stack of increasing indents) plus compact
 * `- - -` markers; flow levels from `[` and `{` outside quotes and comments.
 */
export function excessiveNesting(text: string, limit: number): number | null {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  let lineStart = true;
  let previous = '\n';
  while (i < text.length) {
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (text[j] === ' ') j++;
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (!blank && flow === 0) {
        const indent = j - i;
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        let markers = 0;
        let k = j;
        while ((text[k] === '-' || text[k] === '?') && text[k + 1] === ' ') {
          markers++;
          k += 2;
          while (text[k] === ' ') k++;
        }
        if (indents.length + markers > limit) return j;
      }
      i = j;
      continue;
    }
    const ch = text[i];
    if (ch === '\n') {
      lineStart = true;
      previous = ch;
      i++;
      continue;
    }
    if (ch === '#' && /\s/.test(previous)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if ((ch === '"' || ch === "'") && /[\s:[{,\-?]/.test(previous)) {
      const close = closingQuote(text, i);
      if (close === -1) return null;
      previous = ch;
      i = close + 1;
      continue;
    }
    if (ch === '[' || ch === '{') {
      flow++;
      if (indents.length + flow > limit) return i;
    } else if (ch === ']' || ch === '}') {
      flow = Math.max(0, flow - 1);
    }
    if (ch !== ' ') previous = ch;
    else previous = ' ';
    i++;
  }
  return null;
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
