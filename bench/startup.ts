// CLI start-up: wall time of `node bin/modelspec.js validate specs/iris.yaml` (the built CLI,
// so `npm run build` must have run) against `node -e 0`, median of 10 after 2 warm-up runs.
// Target: under 0.2 s. Run: npx tsx bench/startup.ts
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './step-rate.js';

export interface StartupRow {
  command: string;
  /** Median wall-clock seconds. */
  seconds: number;
  samples: number[];
  /** Median user + system CPU seconds (all threads), which waiting for a busy CPU does not add to. */
  cpuSeconds: number;
}

export const STARTUP_TARGET_SECONDS = 0.2;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** bash's `time` reports the command's own wall and CPU seconds (not bash's start-up). */
function timeOnce(args: string[]): { wall: number; cpu: number } {
  const quoted = [process.execPath, ...args].map((a) => `'${a}'`).join(' ');
  const script = `TIMEFORMAT='%R %U %S'; time ${quoted} >/dev/null`;
  const result = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
  const timing = result.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, system] = timing.split(' ').map(Number);
  if (result.status !== 0 || Number.isNaN(wall + user + system)) {
    throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()}`);
  }
  return { wall, cpu: user + system };
}

function measure(args: string[], runs: number, warmUp: number): StartupRow {
  for (let i = 0; i < warmUp; i += 1) timeOnce(args);
  const times = Array.from({ length: runs }, () => timeOnce(args));
  const samples = times.map((t) => t.wall);
  return {
    command: `node ${args.join(' ')}`,
    seconds: median(samples),
    samples,
    cpuSeconds: median(times.map((t) => t.cpu)),
  };
}

export function benchStartup(runs = 10, warmUp = 2): StartupRow[] {
  if (!existsSync(`${ROOT}/dist/cli/main.js`)) {
    throw new Error('bench/startup needs the built CLI: run `npm run build` first');
  }
  return [
    measure(['-e', '0'], runs, warmUp),
    measure(['bin/modelspec.js', 'validate', 'specs/iris.yaml'], runs, warmUp),
  ];
}

export function startupMarkdown(rows: readonly StartupRow[]): string {
  const bare = rows[0].seconds;
  const lines = [
    '| command | median s | min s | max s | over `node -e 0` | median CPU s |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const over = r === rows[0] ? '–' : `+${(r.seconds - bare).toFixed(3)} s`;
      return `| \`${r.command}\` | ${r.seconds.toFixed(3)} | ${Math.min(...r.samples).toFixed(3)} | ${Math.max(...r.samples).toFixed(3)} | ${over} | ${r.cpuSeconds.toFixed(3)} |`;
    }),
  ];
  const cli = rows[rows.length - 1].seconds;
  const verdict = cli < STARTUP_TARGET_SECONDS ? 'meets' : 'misses';
  lines.push(
    '',
    `\`modelspec validate\` ${verdict} the ${STARTUP_TARGET_SECONDS} s target (median ${cli.toFixed(3)} s).`,
  );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${startupMarkdown(benchStartup())}\n`);
}
