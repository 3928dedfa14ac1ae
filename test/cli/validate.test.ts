import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo, RegisterCommand } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { SpecError } from '../../src/spec/diagnostics.js';

const folder = mkdtempSync(join(tmpdir(), 'modelspec-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const GOOD = 'modelspec: 1\nname: tiny\ninputs:\n  x: {shape: [batch, 2]}\n';
const BAD = 'modelspec: 1\nname: tiny\ninputs:\n  x: {shap: [batch, 2]}\ntrain: {epochs: 0}\n';

function spec(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

async function run(
  args: string[],
  tty = false,
  env: Record<string, string> = {},
  commands?: RegisterCommand[],
) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: { stdout: tty, stderr: tty },
    env,
  };
  const code = await main(['node', 'modelspec', ...args], io, commands);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('modelspec validate', () => {
  it('exits 0 and says ok for a valid spec', async () => {
    const path = spec('good.yaml', GOOD);
    const result = await run(['validate', path]);
    expect(result).toEqual({ code: 0, stdout: `${path}: ok\n`, stderr: '' });
  });

  it('exits 1 and prints every error with its line and caret on stderr', async () => {
    const path = spec('bad.yaml', BAD);
    const result = await run(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `${path}:4:7: error[MS111]: unknown field 'shap' in inputs.x; did you mean 'shape'? (allowed: shape, dtype)`,
        '    4 |   x: {shap: [batch, 2]}',
        '      |       ^^^^',
        `${path}:5:17: error[MS114]: train.epochs must be at least 1, found 0`,
        '    5 | train: {epochs: 0}',
        '      |                 ^',
        `${path}: 2 errors`,
        '',
      ].join('\n'),
    );
  });

  it('checks every file given and fails if any fails', async () => {
    const good = spec('good2.yaml', GOOD);
    const result = await run(['validate', good, join(folder, 'missing.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${good}: ok\n`);
    expect(result.stderr).toContain('error[MS001]: no such file');
  });

  it('prints the diagnostics as a JSON array on stdout with --format json', async () => {
    const path = spec('bad-json.yaml', BAD);
    const result = await run(['validate', '--format', 'json', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const diagnostics = JSON.parse(result.stdout);
    expect(diagnostics.map((d: { code: string; line: number }) => [d.code, d.line])).toEqual([
      ['MS111', 4],
      ['MS114', 5],
    ]);
    expect(diagnostics[0]).toMatchObject({
      file: path,
      column: 7,
      length: 4,
      path: '/inputs/x/shap',
    });
  });

  it('prints an empty JSON array for a valid spec', async () => {
    const result = await run(['validate', '--format', 'json', spec('good3.yaml', GOOD)]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('colours diagnostics on a terminal unless NO_COLOR is set', async () => {
    const path = spec('bad-tty.yaml', BAD);
    expect((await run(['validate', path], true)).stderr).toContain('\x1b[31m');
    expect((await run(['validate', path], true, { NO_COLOR: '1' })).stderr).not.toContain('\x1b[');
  });

  it('reports semantic errors from the compiler in the same form', async () => {
    const path = spec('unknown-name.yaml', `${GOOD}graph:\n  y: relu(z)\n`);
    const result = await run(['validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`${path.replaceAll('\\', '\\\\')}:6:11: error\\[MS2\\d\\d\\]: `),
    );
    expect(result.stderr).toContain('      |           ^');
  });
});

describe('modelspec usage', () => {
  it.each([
    [['validate']],
    [['frobnicate']],
    [['validate', '--format', 'xml', 'x.yaml']],
    [['--no-such-option']],
    [[]],
  ])('exits 2 for %j', async (args) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr.length).toBeGreaterThan(0);
  });

  it('exits 0 for --help and --version, printing to stdout', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate');
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('errors thrown by commands', () => {
  const throwing =
    (error: unknown): RegisterCommand =>
    (program) => {
      program.command('boom').action(() => {
        throw error;
      });
    };

  it('exit 3 for an internal error, the stack only with --debug', async () => {
    const quiet = await run(['boom'], false, {}, [throwing(new TypeError('oops'))]);
    expect(quiet.code).toBe(3);
    expect(quiet.stderr).toContain('internal error: oops');
    expect(quiet.stderr).not.toContain('    at ');
    const loud = await run(['--debug', 'boom'], false, {}, [throwing(new TypeError('oops'))]);
    expect(loud.code).toBe(3);
    expect(loud.stderr).toContain('    at ');
  });

  it('exit 1 for a SpecError, printed as diagnostics', async () => {
    const path = spec('thrown.yaml', GOOD);
    const error = new SpecError([
      {
        file: path,
        line: 4,
        column: 3,
        length: 1,
        code: 'MS202',
        severity: 'error',
        message: 'bad x',
        path: '',
      },
    ]);
    const result = await run(['boom'], false, {}, [throwing(error)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${path}:4:3: error[MS202]: bad x\n    4 |   x: {shape: [batch, 2]}`,
    );
  });
});
