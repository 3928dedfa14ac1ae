// bench/RESULTS.md is shared: `npm run bench` owns only the blocks between its markers, and
// whatever else the file holds (hand-written notes, other tools' sections) must survive a rerun.

export const RESULTS_TITLE = '# Benchmark results\n';

export function blockMarkers(name: string): { open: string; close: string } {
  return { open: `<!-- bench:${name} -->`, close: `<!-- /bench:${name} -->` };
}

/**
 * `text` with each named block's body replaced. A block not yet in the file is added: the
 * 'machine' block right after the title, any other at the end.
 */
export function replaceBlocks(text: string, blocks: Readonly<Record<string, string>>): string {
  let out = text === '' ? RESULTS_TITLE : text;
  for (const [name, body] of Object.entries(blocks)) {
    const { open, close } = blockMarkers(name);
    const block = `${open}\n${body.trim()}\n${close}`;
    const start = out.indexOf(open);
    const end = start >= 0 ? out.indexOf(close, start) : -1;
    if (start >= 0 && end > start) {
      out = out.slice(0, start) + block + out.slice(end + close.length);
    } else if (name === 'machine') {
      const afterTitle = out.startsWith('# ') ? out.indexOf('\n') + 1 : 0;
      out = `${out.slice(0, afterTitle)}\n${block}\n${out.slice(afterTitle)}`;
    } else {
      out = `${out.trimEnd()}\n\n${block}\n`;
    }
  }
  return out;
}
