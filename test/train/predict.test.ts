import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { predictRun, restoreModel } from '../../src/train/eval-run.js';
import { predictRows } from '../../src/train/predict.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import type { TableInfo } from '../../src/train/training-data.js';
import { FIXTURES, FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('predict');
const flowers = dir.join('flowers', RUN_FILES.checkpoint);

beforeAll(async () => {
  await trainRun({ specPath: FLOWERS_SPEC, out: dir.join('flowers') });
});

describe('predictRun', () => {
  it('gives class names where the target had them, one per row, with the raw outputs', () => {
    const predictions = predictRun({
      specPath: FLOWERS_SPEC,
      checkpoint: flowers,
      input: `${FIXTURES}flowers-input.csv`,
    });
    expect(predictions.map((p) => p.prediction)).toEqual(['left', 'middle', 'right']);
    for (const p of predictions) {
      expect(p.output).toHaveLength(3);
      // The prediction is the argmax of the logits.
      const best = p.output.indexOf(Math.max(...p.output));
      expect(p.prediction).toBe(['left', 'middle', 'right'][best]);
    }
  });

  it('reads CSV columns by name (any order, extra columns ignored) and JSON rows alike', () => {
    const fromCsv = predictRun({
      specPath: FLOWERS_SPEC,
      checkpoint: flowers,
      input: `${FIXTURES}flowers-input.csv`,
    });
    const fromRows = predictRun({
      specPath: FLOWERS_SPEC,
      checkpoint: flowers,
      input: 'rows.json',
      rowsOf: (names) => {
        expect(names).toEqual(['width', 'height']);
        return [
          [-2.1, 0.3],
          [0.05, -0.2],
          [1.9, 0.1],
        ];
      },
    });
    expect(fromRows).toEqual(fromCsv);
    // flowers.csv has the target column too: predict skips it.
    const training = predictRun({
      specPath: FLOWERS_SPEC,
      checkpoint: flowers,
      input: `${FIXTURES}flowers.csv`,
    });
    expect(training).toHaveLength(36);
  });

  it('standardizes the rows with the statistics saved at training time', () => {
    const { model } = restoreModel(FLOWERS_SPEC, flowers);
    const info = restoreModel(FLOWERS_SPEC, flowers).info as TableInfo;
    const raw = Float32Array.from([-2.1, 0.3]);
    const withStats = predictRows(model, info, raw, 'row');
    const without = predictRows(model, { ...info, standardizer: null }, raw, 'row');
    const { mean, std } = info.standardizer as { mean: number[]; std: number[] };
    const scaled = Float32Array.from([(-2.1 - mean[0]) / std[0], (0.3 - mean[1]) / std[1]]);
    const byHand = predictRows(model, { ...info, standardizer: null }, scaled, 'row');
    for (const [i, v] of withStats[0].output.entries())
      expect(v).toBeCloseTo(byHand[0].output[i], 4);
    expect(withStats[0].output).not.toEqual(without[0].output);
  });

  it('reads a binary_cross_entropy output at p >= 0.5 and a regression output as the value', async () => {
    await trainRun({ specPath: 'specs/xor.yaml', out: dir.join('xor'), epochs: 1 });
    const xor = restoreModel('specs/xor.yaml', dir.join('xor', RUN_FILES.checkpoint));
    const rows = Float32Array.from([0, 0, 1, 1, 0, 1]);
    for (const p of predictRows(xor.model, xor.info as TableInfo, rows, 'rows')) {
      expect(p.output).toHaveLength(1);
      expect(p.prediction).toBe(p.output[0] >= 0.5 ? '1' : '0');
    }

    await trainRun({ specPath: 'specs/linear-regression.yaml', out: dir.join('lin'), epochs: 1 });
    const lin = restoreModel('specs/linear-regression.yaml', dir.join('lin', RUN_FILES.checkpoint));
    const [p] = predictRows(lin.model, lin.info as TableInfo, Float32Array.from([1, 2, 3]), 'row');
    const w = loadCheckpoint(dir.join('lin', RUN_FILES.checkpoint)).weights;
    const expected = [0, 1, 2].reduce((sum, i) => sum + (i + 1) * w.w.storage[i], w.b.storage[0]);
    expect(p.prediction).toBeCloseTo(expected, 5);
    expect(p.output).toEqual([p.prediction]);
  });

  it('refuses rows with the wrong number of features, naming the input and the counts', () => {
    const { model } = restoreModel(FLOWERS_SPEC, flowers);
    const info = restoreModel(FLOWERS_SPEC, flowers).info as TableInfo;
    const three: TableInfo = { ...info, standardizer: null, featureNames: ['a', 'b', 'c'] };
    expect(() => predictRows(model, three, Float32Array.from([1, 2, 3]), 'in.csv')).toThrow(
      "input 'x' has shape [batch, 2], which takes 2 features per row, but in.csv has 3 (3 columns)",
    );
  });
});
