import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/train/train-run.js';
import { runCli } from '../helpers/cli-run.js';
import { FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli-sample');
const checkpoint = dir.join('run', RUN_FILES.checkpoint);

beforeAll(async () => {
  await runCli(['train', FLOWERS_SPEC, '--epochs', '1', '--out', dir.join('run')]);
});

describe('modelspec sample: mistakes', () => {
  it('a model trained on rows of features is exit 1 with one message', async () => {
    const result = await runCli(['sample', FLOWERS_SPEC, '--checkpoint', checkpoint]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `modelspec: error: ${checkpoint} was trained on rows of features, not on text or lines data: sample generates text from a language model; use predict\n`,
    });
  });

  it('malformed numbers and a missing checkpoint are usage errors (exit 2)', async () => {
    for (const args of [
      ['--checkpoint', checkpoint, '--top-k', 'many'],
      ['--checkpoint', checkpoint, '--temperature', 'hot'],
      [],
    ]) {
      const result = await runCli(['sample', FLOWERS_SPEC, ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
    }
  });
});
