import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { progressLine } from '../../src/cli/progress.js';
import { RUN_FILES } from '../../src/train/train-run.js';
import { runCli } from '../helpers/cli-run.js';
import { FIXTURES, FLOWERS_SPEC, flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli-train');

describe('modelspec train: output', () => {
  it('off a terminal: one line per epoch on stderr, the loss curve and summary on stdout', async () => {
    const out = dir.join('plain');
    const result = await runCli(['train', FLOWERS_SPEC, '--epochs', '3', '--out', out]);
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      `training ${FLOWERS_SPEC}: 27 training rows, 9 validation rows, 3 epochs`,
    );
    expect(lines[1]).toBe(`run folder: ${out}`);
    for (const [i, line] of lines.slice(2).entries()) {
      expect(line).toMatch(
        new RegExp(
          `^epoch ${i + 1}/3  train loss \\d+\\.\\d{4}  accuracy \\d\\.\\d{4}  \\| valid loss \\d+\\.\\d{4}  accuracy \\d\\.\\d{4}  lr 0\\.2  \\d+\\.\\d\\ds$`,
        ),
      );
    }
    expect(result.stderr).not.toContain('\r');
    expect(result.stdout).toContain('* train loss   o validation loss');
    expect(result.stdout).toMatch(/epoch 1 +epoch 3\n/);
    expect(result.stdout).toMatch(
      /\nfinal: train loss \d\.\d{4}, accuracy \d\.\d{4}; valid loss \d\.\d{4}, accuracy \d\.\d{4}\n/,
    );
    expect(result.stdout).toContain(
      `run folder: ${out} (checkpoint.safetensors, metrics.jsonl, spec.resolved.yaml, report.json)\n`,
    );
  });

  it('on a terminal: a progress bar redrawn in place with loss, samples/s and ETA', async () => {
    const result = await runCli(
      ['train', FLOWERS_SPEC, '--epochs', '2', '--out', dir.join('tty')],
      {
        tty: true,
      },
    );
    expect(result.code).toBe(0);
    // The escape character shown as <ESC>: \x1b[K clears the rest of the line.
    const stderr = result.stderr.replaceAll('\u001b', '<ESC>');
    expect(stderr).toMatch(
      /\repoch 1\/2 \[[=> ]{24}\] 1\/4 loss \d+\.\d{4} {2}accuracy \d\.\d{4} {2}[\d,.]+ steps\/s {2}[\d,.]+ samples\/s {2}ETA \d+s<ESC>\[K/,
    );
    expect(stderr).toMatch(/\repoch 2\/2 \[=======================>\] 4\/4 loss/);
    // Each finished epoch clears the bar and leaves its line.
    expect(stderr).toMatch(/\r<ESC>\[Kepoch 1\/2 {2}train loss/);
  });

  it('the bar: running means of the epoch, steps/s, samples/s and ETA over the whole run', () => {
    const line = progressLine(
      {
        epoch: 2,
        step: 6,
        stepInEpoch: 2,
        stepsPerEpoch: 4,
        loss: 0.9,
        running: { loss: 0.5, accuracy: 0.75 },
        samples: 16,
        rows: 8,
      },
      3,
      2,
      { steps: 4, samples: 32 },
    );
    // 0.5 s per step, 2 steps left in this epoch and 4 in the next: 3 s.
    expect(line).toBe(
      `epoch 2/3 [${'='.repeat(11)}>${' '.repeat(12)}] 2/4 loss 0.5000  accuracy 0.7500  2.0 steps/s  16 samples/s  ETA 3s`,
    );
  });

  it('--json: one JSON object per epoch on stdout and nothing else there', async () => {
    const out = dir.join('json');
    const result = await runCli(['train', FLOWERS_SPEC, '--epochs', '3', '--out', out, '--json'], {
      tty: true,
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => Object.keys(r))).toEqual(
      Array(3).fill(['epoch', 'step', 'lr', 'train', 'valid', 'seconds']),
    );
    expect(records.map((r) => r.epoch)).toEqual([1, 2, 3]);
    // metrics.jsonl holds the same objects, without the timing.
    const saved = readFileSync(`${out}/${RUN_FILES.metrics}`, 'utf8').trim().split('\n');
    expect(saved.map((l) => JSON.parse(l))).toEqual(
      records.map(({ seconds: _s, ...rest }) => rest),
    );
    expect(result.stderr).not.toContain('\r');
  });
});

describe('modelspec train: options', () => {
  it('--epochs, --lr, --batch-size and --seed override the spec', async () => {
    const out = dir.join('override');
    const result = await runCli([
      'train',
      FLOWERS_SPEC,
      '--epochs',
      '2',
      '--lr',
      '0.05',
      '--batch-size',
      '9',
      '--seed',
      '4',
      '--out',
      out,
      '--json',
    ]);
    expect(result.code).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // 27 rows in batches of 9: 3 steps per epoch.
    expect(records.map((r) => [r.epoch, r.step, r.lr])).toEqual([
      [1, 3, 0.05],
      [2, 6, 0.05],
    ]);
    const train = parse(readFileSync(`${out}/${RUN_FILES.spec}`, 'utf8')).train;
    expect(train).toMatchObject({
      epochs: 2,
      batch_size: 9,
      seed: 4,
      optimizer: { sgd: { lr: 0.05 } },
    });
  });

  it('--data trains on another CSV with the spec target', async () => {
    const out = dir.join('data');
    const spec = flowersSpec(dir.path, 'no-data.yaml', [['csv: flowers.csv', 'csv: absent.csv']]);
    const result = await runCli([
      'train',
      spec,
      '--data',
      `${FIXTURES}flowers.csv`,
      '--epochs',
      '1',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(existsSync(`${out}/${RUN_FILES.checkpoint}`)).toBe(true);
  });

  describe('without --out', () => {
    const cwd = process.cwd();
    afterEach(() => process.chdir(cwd));

    it('writes runs/<name>-<timestamp> under the working directory', async () => {
      process.chdir(dir.path);
      const result = await runCli(['train', FLOWERS_SPEC, '--epochs', '1']);
      expect(result.code).toBe(0);
      const runs = readdirSync(`${dir.path}/runs`);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatch(/^flowers-\d{8}-\d{6}$/);
      expect(result.stderr).toContain(`run folder: runs/${runs[0]}\n`);
    });
  });
});

describe('modelspec train --resume', () => {
  it('warns when the spec text changed since the run started, and goes on', async () => {
    const spec = flowersSpec(dir.path, 'edited.yaml');
    const out = dir.join('edited-run');
    expect((await runCli(['train', spec, '--epochs', '1', '--out', out])).code).toBe(0);
    const same = await runCli(['train', spec, '--resume', out, '--epochs', '2']);
    expect(same.code).toBe(0);
    expect(same.stderr).not.toContain('warning');
    flowersSpec(dir.path, 'edited.yaml', [['    - relu\n', '    - tanh\n']]);
    const changed = await runCli(['train', spec, '--resume', out, '--epochs', '3']);
    expect(changed.code).toBe(0);
    expect(changed.stderr).toContain(
      'warning: the spec has changed since this run started (its parameters still fit)',
    );
  });
});

describe('modelspec train: mistakes', () => {
  /** Exit 1, one line on stderr, nothing on stdout, and no run folder made. */
  async function refused(args: string[], message: string | RegExp) {
    const out = dir.join(`refused-${Math.random().toString(36).slice(2)}`);
    const result = await runCli(['train', ...args, '--out', out]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(/^modelspec: error: /);
    expect(result.stderr.trimEnd().replace(/^modelspec: error: /, '')).toMatch(message);
    expect(existsSync(out)).toBe(false);
  }

  it('a missing data file', async () => {
    const spec = flowersSpec(dir.path, 'missing.yaml', [['csv: flowers.csv', 'csv: gone.csv']]);
    await refused([spec], /gone\.csv: file not found$/);
  });

  it('a CSV with a ragged row', async () => {
    await refused(
      [FLOWERS_SPEC, '--data', `${FIXTURES}ragged.csv`],
      /ragged\.csv: row 3 has 2 fields, the header has 3$/,
    );
  });

  it('a target column that does not exist', async () => {
    const spec = flowersSpec(dir.path, 'target.yaml', [['target: kind', 'target: species']]);
    await refused(
      [spec],
      "target column 'species' is not in the header (columns: width, height, kind)",
    );
  });

  it('more classes in the data than the spec has outputs', async () => {
    await refused(
      [FLOWERS_SPEC, '--data', `${FIXTURES}four-kinds.csv`],
      /four-kinds\.csv has 4 classes \(far, left, middle, right\) but 'logits' has 3 outputs; make the output layer 4 wide$/,
    );
  });

  it('a batch size of 0 and a negative lr (values, not usage: exit 1)', async () => {
    await refused(
      [FLOWERS_SPEC, '--batch-size', '0'],
      'the batch size must be a whole number >= 1, got 0',
    );
    await refused([FLOWERS_SPEC, '--lr', '-1'], 'the learning rate must be a number >= 0, got -1');
  });

  it('a metric that does not fit the loss', async () => {
    const spec = flowersSpec(dir.path, 'metric.yaml', [['[accuracy]', '[accuracy, mse]']]);
    await refused(
      [spec],
      "metric 'mse' compares predictions with targets value by value, but cross_entropy's targets are class indices (spec 'flowers'); use accuracy",
    );
  });

  it('a checkpoint from another spec, naming the parameters, leaving that run as it was', async () => {
    const other = dir.join('other-run');
    expect((await runCli(['train', 'specs/xor.yaml', '--epochs', '1', '--out', other])).code).toBe(
      0,
    );
    const before = readFileSync(`${other}/${RUN_FILES.checkpoint}`);
    const result = await runCli(['train', FLOWERS_SPEC, '--resume', other]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `modelspec: error: ${other}/checkpoint.safetensors does not belong to spec 'flowers' (it was written for spec 'xor'): missing keys: layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias. unexpected keys: W1, W2, b1, b2\n`,
    );
    expect(readFileSync(`${other}/${RUN_FILES.checkpoint}`).equals(before)).toBe(true);
  });

  it('a loss that becomes NaN or infinite: exit 1 naming epoch and step', async () => {
    const out = dir.join('nan');
    const result = await runCli([
      'train',
      'specs/linear-regression.yaml',
      '--lr',
      '3',
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /\nmodelspec: error: the loss became Infinity at epoch 3, step 26; try a lower learning rate \(now 3\)\n$/,
    );
  });

  it('a run folder that cannot be made', async () => {
    const file = dir.write('a-file', '');
    const result = await runCli(['train', FLOWERS_SPEC, '--out', `${file}/run`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^modelspec: error: cannot write .*a-file\/run: .*not a directory/,
    );
  });

  it('a malformed number is usage (exit 2)', async () => {
    for (const args of [
      ['--epochs', 'abc'],
      ['--lr', 'fast'],
      ['--batch-size', '1.5'],
      ['--seed', 'x'],
    ]) {
      const out = dir.join('usage');
      const result = await runCli(['train', FLOWERS_SPEC, ...args, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`'${args[1]}' is not a`);
      expect(existsSync(out)).toBe(false);
    }
  });
});
