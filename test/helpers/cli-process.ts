import { type ChildProcess, spawn } from 'node:child_process';

const ENTRY = new URL('./cli-entry.ts', import.meta.url).pathname;

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when stderr has matched `pattern` (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves with the exit code (or the signal's name) and everything written. */
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

/** The CLI in a child process (`node --import tsx`), for tests that send it signals. */
export function spawnCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    check();
  });
  const done = new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) {
        w.reject(new Error(`the CLI ended before printing ${w.pattern}; stderr:\n${stderr}`));
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        check();
      }),
  };
}
