import { describe, expect, it } from 'vitest';
import { compileFile } from '../../src/index.js';
import { saveCheckpoint } from '../../src/io/checkpoint.js';
import { sample } from '../../src/train/sample.js';
import type { TokenInfo } from '../../src/train/training-data.js';
import { runCli } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('sample-model');

/**
 * A model whose logits depend on the position only: row t of W is the logits of the token after
 * a context of t + 1 tokens. Its ids input has a fixed length of 6, so sampling feeds the context
 * right-padded to 6 and reads the row of the context's last token: this checks that reading and
 * the crop to the block size, with a real model and checkpoint (a language model proper needs
 * an embedding).
 */
const SPEC = dir.write(
  'positional.yaml',
  `modelspec: 1
name: positional
inputs:
  idx: { shape: [batch, 6], dtype: int32 }
parameters:
  W: { shape: [6, 4], init: zeros }
graph:
  logits: W * 1
outputs: [logits]
`,
);

/** Row t prefers token prefer[t] by 50 (a probability of 1 - 3e-22), or is flat when null. */
function checkpoint(name: string, prefer: (number | null)[], info: TokenInfo): string {
  const model = compileFile(SPEC);
  const w = prefer.map((p) => [0, 1, 2, 3].map((k) => (p === null ? 0 : k === p ? 50 : 0)));
  model.loadStateDict({ W: w });
  const path = dir.join(`${name}.safetensors`);
  saveCheckpoint(path, model, undefined, { data: info });
  return path;
}

const LINES: TokenInfo = {
  kind: 'lines',
  source: 'names',
  vocab: ['\n', 'a', 'b', 'c'],
  blockSize: 6,
  idsInput: 'idx',
  targetInput: 'targets',
};
const TEXT: TokenInfo = { ...LINES, kind: 'text', vocab: ['a', 'b', 'c', 'd'] };

describe('modelspec sample with a checkpoint', () => {
  it('lines: each line from token 0 to token 0, the prompt as its start', async () => {
    // After [0]: b; after 2 tokens: a; after 3: c; after 4: the end.
    const path = checkpoint('lines', [2, 1, 3, 0, 0, 0], LINES);
    const three = await runCli(['sample', SPEC, '--checkpoint', path, '--count', '3']);
    expect(three).toEqual({ code: 0, stdout: 'bac\nbac\nbac\n', stderr: '' });
    // [0, c] is 2 tokens long: a, then c, then the end.
    const prompted = await runCli([
      'sample',
      SPEC,
      '--checkpoint',
      path,
      '--prompt',
      'c',
      '--count',
      '1',
    ]);
    expect(prompted.stdout).toBe('cac\n');
    // A line that never draws token 0 stops at block_size - 1 = 5 characters.
    const endless = checkpoint('endless', [1, 1, 1, 1, 1, 1], LINES);
    const long = await runCli(['sample', SPEC, '--checkpoint', endless, '--count', '1']);
    expect(long.stdout).toBe('aaaaa\n');
  });

  it('text: continues the prompt, the context cropped to the last 6 tokens', async () => {
    const path = checkpoint('text', [0, 1, 2, 3, 0, 3], TEXT);
    const result = await runCli([
      'sample',
      SPEC,
      '--checkpoint',
      path,
      '--prompt',
      'a',
      '--tokens',
      '8',
    ]);
    // Contexts of 1..5 tokens read rows 0..4 (a b c d a); from 6 tokens on, row 5 (d).
    expect(result).toEqual({ code: 0, stdout: 'aabcdaddd', stderr: '' });
    // The TypeScript API gives the same.
    const model = compileFile(SPEC);
    model.loadStateDict({
      W: [0, 1, 2, 3, 0, 3].map((p) => [0, 1, 2, 3].map((k) => (k === p ? 50 : 0))),
    });
    expect(sample(model, TEXT, { prompt: 'a', tokens: 8 })).toBe('aabcdaddd');
  });

  it('the same seed gives the same text, another seed other text', async () => {
    const path = checkpoint('flat', [null, null, null, null, null, null], TEXT);
    const run = (seed: string) =>
      runCli([
        'sample',
        SPEC,
        '--checkpoint',
        path,
        '--prompt',
        'ab',
        '--tokens',
        '40',
        '--seed',
        seed,
      ]);
    const [one, again, other] = [await run('1'), await run('1'), await run('2')];
    expect(one.stdout).toHaveLength(42);
    expect(again.stdout).toBe(one.stdout);
    expect(other.stdout).not.toBe(one.stdout);
    // --top-k 1 of flat logits keeps every tied token (torch.topk ties with the k-th stay).
    const topOne = await runCli([
      'sample',
      SPEC,
      '--checkpoint',
      path,
      '--top-k',
      '1',
      '--tokens',
      '40',
      '--prompt',
      'a',
    ]);
    expect(new Set(topOne.stdout).size).toBeGreaterThan(1);
  });

  it('mistakes: a prompt outside the vocabulary, options of the other kind, predict', async () => {
    const path = checkpoint('text-mistakes', [0, 1, 2, 3, 0, 3], TEXT);
    const bad = await runCli(['sample', SPEC, '--checkpoint', path, '--prompt', 'abXcY']);
    expect(bad).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "modelspec: error: the prompt has 2 characters that the training text does not have: 'X' (U+0058), 'Y' (U+0059)\n",
    });
    const count = await runCli(['sample', SPEC, '--checkpoint', path, '--count', '2']);
    expect(count.code).toBe(1);
    expect(count.stderr).toContain('count is the number of lines of a model trained on lines data');
    const zero = await runCli(['sample', SPEC, '--checkpoint', path, '--temperature', '0']);
    expect(zero.stderr).toBe('modelspec: error: sample: temperature must be a number > 0, got 0\n');
    const predict = await runCli(['predict', SPEC, '--checkpoint', path, '--input', SPEC]);
    expect(predict).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'modelspec: error: predict reads rows of features, but this model was trained on text data (a language model): generate text with modelspec sample\n',
    });
  });
});
