import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { runCli } from '../helpers/cli-run.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('token-train');

/**
 * A model of per-position logits W [T, V] whose loss reads the first example's tokens (`read`):
 * not a language model (that needs an embedding), but it trains on text and lines data through
 * the whole path: windows or lines as int32 [batch, T], max_steps, the vocabulary in the
 * checkpoint, eval on the test split, sample. (Lines read the ids: their targets hold -1, which
 * needs ignore_index.)
 */
function spec(name: string, time: number, vocab: number, data: string, read: string): string {
  return dir.write(
    name,
    `modelspec: 1
name: positional-${name.replace('.yaml', '')}
inputs:
  idx: { shape: [batch, ${time}], dtype: int32 }
  targets: { shape: [batch, ${time}], dtype: int32 }
parameters:
  W: { shape: [${time}, ${vocab}], init: zeros }
graph:
  logits: W * 1
loss: cross_entropy(logits, index(${read}, axis=0, index=0))
train:
  data: ${data}
  optimizer: { sgd: { lr: 0.5 } }
  max_steps: 40
  eval_every: 10
  batch_size: 4
`,
  );
}

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(20);

describe('training on text and lines data', () => {
  it('text: windows, max_steps, the vocabulary in the checkpoint, eval on the test split, sample', async () => {
    dir.write('fox.txt', TEXT);
    dir.write('fox-test.txt', 'a lazy dog jumps over the quick brown fox.');
    const path = spec(
      'text.yaml',
      8,
      28,
      '{ text: fox.txt, valid: 0.1, test: { text: fox-test.txt } }',
      'targets',
    );
    const out = dir.join('text-run');
    const trained = await runCli(['train', path, '--out', out]);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toContain(
      'training rows, 11 validation rows (5 test rows kept apart), 40 steps',
    );
    const records = readFileSync(`${out}/${RUN_FILES.metrics}`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.step)).toEqual([10, 20, 30, 40]);
    // From uniform logits (ln 28 = 3.33) the loss falls.
    expect(records[3].train.loss).toBeLessThan(records[0].train.loss);
    expect(records[0].train.loss).toBeLessThan(Math.log(28));
    const data = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`).metadata.data;
    expect(data).toMatchObject({
      kind: 'text',
      blockSize: 8,
      idsInput: 'idx',
      targetInput: 'targets',
    });
    expect((data as { vocab: string[] }).vocab.join('')).toBe(' .abcdefghijklmnopqrstuvwxyz');

    const evaluated = await runCli([
      'eval',
      path,
      '--checkpoint',
      `${out}/${RUN_FILES.checkpoint}`,
      '--json',
    ]);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({
      split: 'test',
      rows: 5,
      source: dir.join('fox-test.txt'),
    });

    const sampled = await runCli([
      'sample',
      path,
      '--checkpoint',
      `${out}/${RUN_FILES.checkpoint}`,
      '--tokens',
      '20',
    ]);
    expect(sampled.code).toBe(0);
    // No newline in the vocabulary: the context starts from its first character.
    expect(sampled.stdout).toMatch(/^ [ .a-z]{20}$/);
  });

  it('lines: {dataset: names} trains, and sample prints whole names', async () => {
    const path = spec('names.yaml', 16, 27, '{ dataset: names, valid: 0.1 }', 'idx');
    const out = dir.join('names-run');
    const trained = await runCli(['train', path, '--out', out]);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toContain('28830 training rows, 3203 validation rows, 40 steps');
    const sampled = await runCli([
      'sample',
      path,
      '--checkpoint',
      `${out}/${RUN_FILES.checkpoint}`,
      '--count',
      '5',
    ]);
    expect(sampled.code).toBe(0);
    const lines = sampled.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^[a-z]{0,15}$/);
  });

  it('a text run stopped mid-way and resumed ends with the weights of an unbroken run', async () => {
    dir.write('fox.txt', TEXT);
    const path = spec('resume.yaml', 8, 28, '{ text: fox.txt, valid: 0.1 }', 'targets');
    await trainRun({ specPath: path, out: dir.join('whole') });
    let seen = 0;
    const first = await trainRun({
      specPath: path,
      out: dir.join('broken'),
      onStep: () => seen++,
      shouldStop: () => seen >= 17,
    });
    expect(first.interrupted).toBe(true);
    await trainRun({ specPath: path, resume: dir.join('broken') });
    const weights = (run: string) =>
      Array.from(loadCheckpoint(`${dir.join(run)}/${RUN_FILES.checkpoint}`).weights.W.storage);
    expect(weights('broken')).toEqual(weights('whole'));
    expect(readFileSync(`${dir.join('broken')}/${RUN_FILES.metrics}`, 'utf8')).toBe(
      readFileSync(`${dir.join('whole')}/${RUN_FILES.metrics}`, 'utf8'),
    );
  });
});
