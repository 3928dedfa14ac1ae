import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams; `tty` makes both streams look like terminals. */
export async function runCli(args: string[], options: { tty?: boolean } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const tty = options.tty ?? false;
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: { stdout: tty, stderr: tty },
    env: {},
  };
  const code = await main(['node', 'modelspec', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
