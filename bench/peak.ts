// This machine's FP32 peak per core, measured by bench/peak.c (independent FMA chains), which is
// compiled here with the system's C compiler and run in the same process tree as the other
// figures. Run: npx tsx bench/peak.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Peak {
  /** GFLOP/s of 128-, 256- and 512-bit FMA chains on one core (0 where the CPU lacks them). */
  fma128: number;
  fma256: number;
  fma512: number;
  /** The fastest of the three. */
  peak: number;
}

const SOURCE = fileURLToPath(new URL('./peak.c', import.meta.url));
const BINARY = fileURLToPath(new URL('./.cache/peak', import.meta.url));

let built: string | null | undefined;

/** Compiles bench/peak.c once per process; the reason when that fails. */
function build(): string | null {
  if (built !== undefined) return built;
  mkdirSync(fileURLToPath(new URL('./.cache/', import.meta.url)), { recursive: true });
  const result = spawnSync('cc', ['-O2', '-o', BINARY, SOURCE], { encoding: 'utf8' });
  built =
    result.status === 0
      ? null
      : `cc -O2 bench/peak.c failed: ${result.error?.message ?? result.stderr.trim().split('\n')[0]}`;
  return built;
}

/** Measures the peak (about a second), or gives the reason it could not. */
export function measurePeak(): Peak | { error: string } {
  const error = build();
  if (error !== null) return { error };
  const result = spawnSync(BINARY, [], { encoding: 'utf8' });
  if (result.status !== 0) return { error: `bench/peak failed: ${result.stderr.trim()}` };
  return JSON.parse(result.stdout) as Peak;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(measurePeak())}\n`);
}
