import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFile } from '../../src/index.js';
import { runCli } from '../helpers/cli-run.js';

const folder = mkdtempSync(join(tmpdir(), 'modelspec-summary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

const run = (args: string[]) => runCli(args);

describe('modelspec summary', () => {
  it('prints the Model.summary() table on stdout', async () => {
    const spec = repoFile('specs/iris.yaml');
    const result = await run(['summary', spec]);
    expect(result).toEqual({ code: 0, stdout: `${compileFile(spec).summary()}\n`, stderr: '' });
  });

  it('shows the iris network node by node, with counts, fans and totals', async () => {
    const { stdout } = await run(['summary', repoFile('specs/iris.yaml')]);
    const rows = stdout.split('\n').map((l) => l.split(/\s{2,}/));
    const row = (name: string) => rows.find((r) => r[0] === name);
    expect(row('x')).toEqual(['x', 'input', '[batch, 4]', 'float32', '0']);
    expect(row('hidden/matmul_1')).toEqual([
      'hidden/matmul_1',
      'matmul',
      '[batch, 16]',
      'float32',
      '64',
    ]);
    expect(row('hidden')).toEqual(['hidden', 'relu', '[batch, 16]', 'float32', '0']);
    expect(row('probs')).toEqual(['probs', 'softmax', '[batch, 3]', 'float32', '0']);
    expect(row('W1')).toEqual([
      'W1',
      '[4, 16]',
      '64',
      'kaiming_uniform(a=0, mode=fan_in, nonlinearity=leaky_relu)',
      '4',
      'yes',
    ]);
    expect(row('W2')).toEqual(['W2', '[16, 3]', '48', 'normal(mean=0, std=0.01)', '-', 'yes']);
    expect(stdout).toContain('Total params: 131\nTrainable params: 131\nFrozen params: 0\n');
  });

  it('counts a layers stack as nn.Sequential does, and frozen parameters apart', async () => {
    const digits = (await run(['summary', repoFile('specs/digits.yaml')])).stdout;
    // 64*128 + 128 + 128*10 + 10
    expect(digits).toContain('Total params: 9,610\n');
    expect(digits).toMatch(/\nlayers\.2\s+dropout\s+\[batch, 128\]\s+float32\s+0\n/);
    expect(digits).toMatch(
      /\nlayers\.0\.weight\s+\[128, 64\]\s+8192\s+kaiming_uniform\(a=2\.236.*\s+64\s+yes\n/,
    );
    const frozen = (await run(['summary', repoFile('test/specs/parity/frozen.yaml')])).stdout;
    expect(frozen).toMatch(
      /\nE\s+\[4, 6\]\s+24\s+normal\(mean=0, std=0\.5\)\s+-\s+no \(frozen\)\n/,
    );
    expect(frozen).toContain('Total params: 45\nTrainable params: 21\nFrozen params: 24\n');
  });

  it('exits 1 with located diagnostics for a broken spec', async () => {
    const bad = join(folder, 'bad.yaml');
    writeFileSync(
      bad,
      'modelspec: 1\nname: bad\ninputs:\n  x: {shape: [batch, 2]}\nparameters:\n  W: {shape: [3, 4]}\ngraph:\n  y: x @ W\n',
    );
    const result = await run(['summary', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${bad}:8:`);
    expect(result.stderr).toContain('matmul');
  });
});
