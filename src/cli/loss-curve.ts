/**
 * A loss curve drawn with text, for the end of `modelspec train`: one column per record (or per
 * bucket of records when there are more than `width`), train as '*', validation as 'o'. Records
 * are epochs, or with `steps` (a step-based run) evaluations at those optimizer steps, and the
 * axis is labelled in steps.
 */
export function drawLossCurve(
  train: readonly number[],
  valid: readonly number[] = [],
  options: { width?: number; height?: number; steps?: readonly number[] } = {},
): string {
  const width = Math.max(8, options.width ?? 60);
  const height = Math.max(3, options.height ?? 10);
  const series = [train, valid].filter((s) => s.length > 0);
  const values = series.flat().filter(Number.isFinite);
  if (values.length === 0) return '';
  // Losses often fall by orders of magnitude: then a log scale keeps the later epochs readable.
  const logScale = Math.min(...values) > 0 && Math.max(...values) / Math.min(...values) > 50;
  const scale = (v: number) => (logScale ? Math.log10(v) : v);
  const lo = scale(Math.min(...values));
  const hi = scale(Math.max(...values));
  const span = hi - lo || 1;
  const n = Math.max(...series.map((s) => s.length));
  const columns = Math.min(width, n);
  const grid = Array.from({ length: height }, () => new Array<string>(columns).fill(' '));
  const plot = (s: readonly number[], mark: string) => {
    for (let c = 0; c < columns; c++) {
      const i = Math.min(s.length - 1, Math.round((c * (n - 1)) / Math.max(1, columns - 1)));
      const v = s[i];
      if (!Number.isFinite(v)) continue;
      const row = height - 1 - Math.round(((scale(v) - lo) / span) * (height - 1));
      grid[row][c] = grid[row][c] === ' ' || grid[row][c] === mark ? mark : '#';
    }
  };
  plot(train, '*');
  plot(valid, 'o');
  const label = (v: number) => (logScale ? 10 ** v : v).toPrecision(3).padStart(9);
  const lines = grid.map((row, r) => {
    const axis = r === 0 ? label(hi) : r === height - 1 ? label(lo) : ' '.repeat(9);
    return `${axis} |${row.join('')}`.trimEnd();
  });
  lines.push(`${' '.repeat(9)} +${'-'.repeat(columns)}`);
  const steps = options.steps;
  const start = steps ? `step ${steps[0]}` : 'epoch 1';
  const end = steps ? `step ${steps[steps.length - 1]}` : `epoch ${n}`;
  lines.push(
    `${' '.repeat(11)}${start}${end.padStart(Math.max(end.length + 1, columns - start.length))}`,
  );
  lines.push(
    `${' '.repeat(11)}* train loss${valid.length > 0 ? '   o validation loss   # both' : ''}`,
  );
  return lines.join('\n');
}
