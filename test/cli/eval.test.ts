import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/train/train-run.js';
import { runCli } from '../helpers/cli-run.js';
import { FIXTURES, FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli-eval');
const checkpoint = dir.join('run', RUN_FILES.checkpoint);
let lastValid: Record<string, number>;

beforeAll(async () => {
  const trained = await runCli([
    'train',
    FLOWERS_SPEC,
    '--epochs',
    '3',
    '--out',
    dir.join('run'),
    '--json',
  ]);
  lastValid = JSON.parse(trained.stdout.trim().split('\n')[2]).valid;
});

describe('modelspec eval', () => {
  it('prints the loss and metrics of the validation split on stdout', async () => {
    const result = await runCli(['eval', FLOWERS_SPEC, '--checkpoint', checkpoint]);
    expect(result).toEqual({
      code: 0,
      stdout: `loss ${lastValid.loss.toFixed(4)}  accuracy ${lastValid.accuracy.toFixed(4)}  (9 rows of ${FIXTURES}flowers.csv, validation split)\n`,
      stderr: '',
    });
  });

  it('--json gives the same as one object; --data evaluates every row of a CSV', async () => {
    const json = await runCli(['eval', FLOWERS_SPEC, '--checkpoint', checkpoint, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      split: 'valid',
      rows: 9,
      ...lastValid,
      source: `${FIXTURES}flowers.csv`,
    });
    const all = await runCli([
      'eval',
      FLOWERS_SPEC,
      '--checkpoint',
      checkpoint,
      '--data',
      `${FIXTURES}flowers.csv`,
      '--json',
    ]);
    expect(JSON.parse(all.stdout)).toMatchObject({
      split: 'file',
      rows: 36,
      source: `${FIXTURES}flowers.csv`,
    });
  });

  it('a missing, truncated or foreign checkpoint is exit 1 with one message', async () => {
    const cut = dir.join('cut.safetensors');
    writeFileSync(cut, readFileSync(checkpoint).subarray(0, 50));
    for (const [spec, file, message] of [
      [FLOWERS_SPEC, dir.join('none.safetensors'), /none\.safetensors: no such checkpoint file/],
      [FLOWERS_SPEC, cut, /cut\.safetensors is truncated/],
      [
        'specs/iris.yaml',
        checkpoint,
        /does not belong to spec 'iris-mlp' \(it was written for spec 'flowers'\)/,
      ],
    ] as const) {
      const result = await runCli(['eval', spec, '--checkpoint', file]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^modelspec: error: [^\n]*\n$/);
      expect(result.stderr).toMatch(message);
    }
  });

  it('without --checkpoint is usage (exit 2)', async () => {
    const result = await runCli(['eval', FLOWERS_SPEC]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--checkpoint <path>' not specified");
  });
});
