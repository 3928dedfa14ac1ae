import type { SourceLocation } from './diagnostics.js';

/** One file's text with the means to turn offsets into editor positions (1-based). */
export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.lineStarts.push(i + 1);
    }
  }

  /** Line and column of `offset`; columns count UTF-16 units, as editors and carets do. */
  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }

  /** Offset of the end of the line that `offset` is on (before any `\r\n`). */
  lineEnd(offset: number): number {
    const newline = this.text.indexOf('\n', offset);
    const end = newline === -1 ? this.text.length : newline;
    return end > offset && this.text[end - 1] === '\r' ? end - 1 : end;
  }

  /** The location of `[start, end)`, its underline cut at the end of the first line (at least 1). */
  span(start: number, end: number): SourceLocation {
    const from = Math.max(0, Math.min(start, this.text.length));
    const { line, column } = this.position(from);
    const length = Math.max(1, Math.min(end, this.lineEnd(from)) - from);
    return { file: this.file, line, column, length };
  }
}
