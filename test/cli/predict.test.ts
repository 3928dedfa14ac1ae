import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/train/train-run.js';
import { runCli } from '../helpers/cli-run.js';
import { FIXTURES, FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli-predict');
const checkpoint = dir.join('run', RUN_FILES.checkpoint);

beforeAll(async () => {
  expect((await runCli(['train', FLOWERS_SPEC, '--out', dir.join('run')])).code).toBe(0);
});

const predict = (input: string, spec = FLOWERS_SPEC) =>
  runCli(['predict', spec, '--checkpoint', checkpoint, '--input', input]);

describe('modelspec predict', () => {
  it('a CSV input gives a CSV of class names on stdout', async () => {
    const result = await predict(`${FIXTURES}flowers-input.csv`);
    expect(result).toEqual({
      code: 0,
      stdout: 'row,prediction\n1,left\n2,middle\n3,right\n',
      stderr: '',
    });
  });

  it('a JSON input (arrays or objects by feature name) gives JSON with the outputs', async () => {
    const result = await predict(`${FIXTURES}flowers-input.json`);
    expect(result.code).toBe(0);
    const predictions = JSON.parse(result.stdout);
    expect(predictions.map((p: { prediction: string }) => p.prediction)).toEqual([
      'left',
      'middle',
      'right',
    ]);
    expect(predictions[0].output).toHaveLength(3);
  });

  it('bad rows and missing files are exit 1 with one message', async () => {
    const bad = dir.write('bad.json', '[[1, 2], [3]]');
    const notArray = dir.write('object.json', '{"width": 1}');
    const broken = dir.write('broken.json', '[1, 2');
    for (const [input, message] of [
      [bad, /bad\.json: row 2 must give 2 numbers \(width, height\), got \[3\]$/],
      [notArray, /object\.json: expected a JSON array of rows/],
      [broken, /broken\.json: not valid JSON/],
      [dir.join('none.csv'), /none\.csv: file not found$/],
    ] as const) {
      const result = await predict(input);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^modelspec: error: [^\n]*\n$/);
      expect(result.stderr.trimEnd()).toMatch(message);
    }
  });

  it('a CSV without a feature column names the columns it has', async () => {
    const partial = dir.write('partial.csv', 'width\n1\n');
    const result = await predict(partial);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "feature column 'height' is not in the header (columns: width)",
    );
  });
});
