/** What a quick look at a YAML text found, before the YAML parser sees it. */
export interface Prescan {
  /** Offset where the estimated nesting first goes over the limit, or null. */
  tooDeepAt: number | null;
  /** Estimated number of entries: non-blank lines plus items after a comma in flow collections. */
  entries: number;
}

/**
 * Over-estimates the nesting and size of a YAML text in one linear pass. The YAML parser
 * recurses once per level (a few thousand levels exhaust the stack, which V8 can turn into a
 * fatal out-of-memory error rather than an exception) and spends tens of microseconds per entry,
 * so both are bounded before it runs.
 *
 * Block levels are counted from indentation (a stack of increasing indents) plus compact
 * `- - -` markers; flow levels from `[` and `{` outside quotes and comments. The scan stops
 * counting depth at the first place over `depthLimit`.
 */
export function prescan(text: string, depthLimit: number): Prescan {
  const indents: number[] = [];
  let flow = 0;
  let entries = 0;
  let i = 0;
  let lineStart = true;
  let previous = '\n';
  while (i < text.length) {
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (text[j] === ' ') j++;
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (!blank) entries++;
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
        if (indents.length + markers > depthLimit) return { tooDeepAt: j, entries };
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
      if (close === -1) break;
      previous = ch;
      i = close + 1;
      continue;
    }
    if (ch === '[' || ch === '{') {
      flow++;
      if (indents.length + flow > depthLimit) return { tooDeepAt: i, entries };
    } else if (ch === ']' || ch === '}') {
      flow = Math.max(0, flow - 1);
    } else if (ch === ',' && flow > 0) {
      entries++;
    }
    previous = ch === ' ' ? ' ' : ch;
    i++;
  }
  return { tooDeepAt: null, entries };
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
