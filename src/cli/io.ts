import type { Command } from 'commander';

/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: { stdout: boolean; stderr: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** The real process streams. */
export function processIo(): CliIo {
  // A reader that closes early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
    env: process.env,
  };
}

/** Colour on a terminal, unless NO_COLOR is set to anything non-empty (no-color.org). */
export function useColor(io: CliIo, stream: 'stdout' | 'stderr'): boolean {
  return io.isTTY[stream] && !io.env.NO_COLOR;
}

/** What a command gets besides its commander Command. */
export interface CommandContext {
  io: CliIo;
  /** Records the exit status; main() returns the highest one recorded (0 if none). */
  exit(code: number): void;
}

/** Each command module exports one of these; main.ts lists them. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;
