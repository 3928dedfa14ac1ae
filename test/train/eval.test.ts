import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../../src/io/checkpoint.js';
import { compileFile } from '../../src/runtime/compile.js';
import { evalRun, predictRun } from '../../src/train/eval-run.js';
import { RUN_FILES, type TrainRunResult, trainRun } from '../../src/train/train-run.js';
import { FIXTURES, FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('eval');
const checkpoint = dir.join('flowers', RUN_FILES.checkpoint);
let run: TrainRunResult;

beforeAll(async () => {
  run = await trainRun({ specPath: FLOWERS_SPEC, out: dir.join('flowers'), epochs: 3 });
});

describe('evalRun', () => {
  it("without data: the validation split, the same numbers as the run's last epoch", () => {
    const result = evalRun({ specPath: FLOWERS_SPEC, checkpoint });
    expect(result.rows).toBe(9);
    expect(result.split).toBe('valid');
    expect(result.source).toBe(`${FIXTURES}flowers.csv`);
    expect(result.metrics).toEqual(run.history[2].valid);
  });

  it('with a CSV: every row, standardized with the training statistics, classes by name', () => {
    const file = `${FIXTURES}flowers.csv`;
    const result = evalRun({ specPath: FLOWERS_SPEC, checkpoint, data: file });
    expect(result.rows).toBe(36);
    expect(result.split).toBe('file');
    expect(result.source).toBe(file);
    expect(Object.keys(result.metrics)).toEqual(['loss', 'accuracy']);
    // The same rows through predict, compared with the file's own class names.
    const kinds = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[2]);
    const predicted = predictRun({ specPath: FLOWERS_SPEC, checkpoint, input: file });
    const right = predicted.filter((p, i) => p.prediction === kinds[i]).length;
    expect(result.metrics.accuracy).toBe(right / 36);
  });

  it('refuses a CSV with a class the checkpoint does not know, naming row and column', () => {
    expect(() =>
      evalRun({ specPath: FLOWERS_SPEC, checkpoint, data: `${FIXTURES}four-kinds.csv` }),
    ).toThrow(
      /four-kinds\.csv: row 5, column 'kind': 'far' is not one of the classes \(left, middle, right\)/,
    );
  });

  it('reports mse and mae for a regression spec', async () => {
    const out = dir.join('linear');
    const trained = await trainRun({ specPath: 'specs/linear-regression.yaml', out, epochs: 2 });
    const result = evalRun({
      specPath: 'specs/linear-regression.yaml',
      checkpoint: `${out}/${RUN_FILES.checkpoint}`,
    });
    expect(Object.keys(result.metrics)).toEqual(['loss', 'mse', 'mae']);
    expect(result.metrics).toEqual(trained.history[1].valid);
  });

  it('refuses a checkpoint that says nothing of its data', () => {
    const bare = dir.join('bare.safetensors');
    saveCheckpoint(bare, compileFile(FLOWERS_SPEC));
    expect(() => evalRun({ specPath: FLOWERS_SPEC, checkpoint: bare })).toThrow(
      /has no data description .* it was not written by modelspec train/,
    );
  });
});
