import '../platform/node.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SpecError } from '../spec/diagnostics.js';
import { formatDiagnostics } from '../spec/format.js';
import { readSpecFile } from '../spec/read.js';
import { register as registerCompile } from './compile.js';
import { register as registerEval } from './eval.js';
import {
  type CliIo,
  type CommandContext,
  processIo,
  type RegisterCommand,
  useColor,
} from './io.js';
import { register as registerPredict } from './predict.js';
import { register as registerSample } from './sample.js';
import { register as registerSummary } from './summary.js';
import { register as registerTrain } from './train.js';
import { register as registerValidate } from './validate.js';

/** Every command; adding one is an import above and an entry here. */
const COMMANDS: RegisterCommand[] = [
  registerValidate,
  registerCompile,
  registerSummary,
  registerTrain,
  registerEval,
  registerPredict,
  registerSample,
];

/** package.json sits two folders up from both src/cli and dist/cli. */
function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

function reportSpecError(error: SpecError, io: CliIo): void {
  const sources = new Map<string, string>();
  for (const file of new Set(error.diagnostics.map((d) => d.file))) {
    const read = readSpecFile(file);
    if (read.text !== null) sources.set(file, read.text);
  }
  io.stderr(
    `${formatDiagnostics(error.diagnostics, sources, { color: useColor(io, 'stderr') })}\n`,
  );
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, args...) and returns the exit status:
 * 0 success, 1 the user's spec/data is wrong (a command reported errors or threw SpecError),
 * 2 wrong usage, 3 internal error. `commands` is for tests; the CLI has every command.
 */
export async function main(
  argv: string[],
  io: CliIo = processIo(),
  commands: readonly RegisterCommand[] = COMMANDS,
): Promise<number> {
  let status = 0;
  const context: CommandContext = { io, exit: (code) => (status = Math.max(status, code)) };
  const program = new Command('modelspec')
    .description('Describe a neural network in YAML; check, compile, train and run it.')
    .version(packageVersion())
    .option('--debug', 'show the stack trace of internal errors')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .showHelpAfterError('(run modelspec --help for usage)');
  for (const register of commands) register(program, context);
  const threads = io.env.MODELSPEC_THREADS;
  if (threads !== undefined && threads !== '') {
    if (!/^[1-9]\d*$/.test(threads)) {
      io.stderr(`modelspec: MODELSPEC_THREADS must be a whole number >= 1, got '${threads}'\n`);
      return 2;
    }
    const { setKernelThreads } = await import('../kernels/backend.js');
    setKernelThreads(Number(threads));
  }
  try {
    await program.parseAsync(argv, { from: 'node' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof SpecError) {
      reportSpecError(error, io);
      return 1;
    }
    // Loaded only on failure: it pulls in the runtime's error classes, which validate never needs.
    const { userErrorMessage } = await import('./user-error.js');
    const userMessage = userErrorMessage(error);
    if (userMessage !== null) {
      io.stderr(`modelspec: error: ${userMessage}\n`);
      return 1;
    }
    const debug = Boolean(program.opts().debug) || argv.includes('--debug');
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`modelspec: internal error: ${message}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else io.stderr('(run again with --debug to see the stack trace)\n');
    return 3;
  }
}
