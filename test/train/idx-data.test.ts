import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FASHION_MNIST_CLASSES, findFashionMnist } from '../../src/data/index.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { lowerSpecText } from '../../src/runtime/compile.js';
import { evalRun, predictRun } from '../../src/train/eval-run.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { prepareData } from '../../src/train/training-data.js';
import { runCli } from '../helpers/cli-run.js';
import { fashionSpec, fashionSubset } from '../helpers/fashion.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('idx-data');
const folder = dir.join('fashion');
const idxData = `{ idx: { images: fashion/train-images-idx3-ubyte, labels: fashion/train-labels-idx1-ubyte }, valid: 0.2, test: { idx: { images: fashion/t10k-images-idx3-ubyte.gz, labels: fashion/t10k-labels-idx1-ubyte.gz } } }`;

const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

beforeAll(() => {
  fashionSubset(folder, 1000, 300);
});

describe('IDX data in training', () => {
  it('feeds images as [batch, 1, 28, 28] in [0, 1], keeps the test split apart, and eval uses it', async () => {
    const spec = dir.write('idx.yaml', fashionSpec(idxData));
    const run = await trainRun({ specPath: spec, out: dir.join('run') });
    expect(run.report.data).toMatchObject({ trainRows: 800, validRows: 200, testRows: 300 });
    // Two epochs of an MLP on 800 images: clearly better than chance (10%).
    expect(run.history[1].valid?.accuracy).toBeGreaterThan(0.5);
    const result = evalRun({ specPath: spec, checkpoint: dir.join('run', RUN_FILES.checkpoint) });
    expect(result.split).toBe('test');
    expect(result.rows).toBe(300);
    expect(result.source).toBe(`${folder}/t10k-images-idx3-ubyte.gz`);
    expect(result.metrics.accuracy).toBeGreaterThan(0.5);
    // The checkpoint keeps the image shape, not 784 feature names.
    const info = loadCheckpoint(dir.join('run', RUN_FILES.checkpoint)).metadata.data;
    expect(info).toMatchObject({ featureNames: [], imageShape: [1, 28, 28], classes: CLASSES });
  });

  it('binds the same pixels to [batch, 784] and [batch, 1, 28, 28], row-major', () => {
    const graph = lowerSpecText(fashionSpec(idxData), { filename: dir.join('x.yaml') }).graph;
    const data = parse(`d: ${idxData}`).d;
    const prepared = prepareData(graph, { ...data, valid: 0 }, dir.join('x.yaml'), 0);
    const batch = prepared.train.batch(Int32Array.of(0, 1));
    expect(batch.x.shape).toEqual([2, 1, 28, 28]);
    expect(batch.y.shape).toEqual([2]);
    expect(Array.from(batch.y.storage)).toEqual([9, 0]);
    const pixels = Array.from(batch.x.storage.subarray(0, 784));
    expect(Math.min(...pixels)).toBe(0);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
    // numpy: the first training image's pixels sum to 76247.
    expect(pixels.reduce((a, b) => a + b, 0) * 255).toBeCloseTo(76247, 1);
  });

  it('modelspec train --data DIR reads a folder of the four standard names; eval --json prints one object', async () => {
    const spec = dir.write(
      'folder.yaml',
      fashionSpec('{ idx: { images: a, labels: b }, valid: 0.1 }'),
    );
    const out = dir.join('cli-run');
    const trained = await runCli(['train', spec, '--data', folder, '--out', out, '--epochs', '1']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toContain(
      '900 training rows, 100 validation rows (300 test rows kept apart), 1 epochs',
    );
    const resolved = parse(readFileSync(`${out}/${RUN_FILES.spec}`, 'utf8')).train.data;
    expect(resolved).toEqual({
      idx: {
        images: `${folder}/train-images-idx3-ubyte`,
        labels: `${folder}/train-labels-idx1-ubyte`,
      },
      test: {
        idx: {
          images: `${folder}/t10k-images-idx3-ubyte.gz`,
          labels: `${folder}/t10k-labels-idx1-ubyte.gz`,
        },
      },
      valid: 0.1,
    });
    const json = await runCli([
      'eval',
      spec,
      '--checkpoint',
      `${out}/${RUN_FILES.checkpoint}`,
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(json.stdout);
    expect(Object.keys(result)).toEqual(['split', 'rows', 'loss', 'accuracy', 'source']);
    expect(result).toMatchObject({ split: 'test', rows: 300 });
    const text = await runCli(['eval', spec, '--checkpoint', `${out}/${RUN_FILES.checkpoint}`]);
    expect(text.stdout).toBe(
      `loss ${result.loss.toFixed(4)}  accuracy ${result.accuracy.toFixed(4)}  (300 rows of ${folder}/t10k-images-idx3-ubyte.gz, test split)\n`,
    );
  });

  it('predict reads an IDX images file; {dataset: fashion_mnist} finds its folder with --data DIR', async () => {
    const spec = dir.write('builtin.yaml', fashionSpec('{ dataset: fashion_mnist }'));
    const out = dir.join('builtin-run');
    const trained = await runCli(['train', spec, '--data', folder, '--out', out, '--epochs', '1']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toContain(
      '1000 training rows, 0 validation rows (300 test rows kept apart)',
    );
    const predictions = predictRun({
      specPath: spec,
      checkpoint: `${out}/${RUN_FILES.checkpoint}`,
      input: `${folder}/t10k-images-idx3-ubyte.gz`,
    });
    expect(predictions).toHaveLength(300);
    expect(predictions[0].output).toHaveLength(10);
    // Fashion-MNIST's classes have names (torchvision's), saved with the checkpoint.
    const info = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`).metadata.data;
    expect(info).toMatchObject({ classes: [...FASHION_MNIST_CLASSES] });
    expect(FASHION_MNIST_CLASSES).toContain(predictions[0].prediction);
    expect(FASHION_MNIST_CLASSES[9]).toBe('Ankle boot');
  });

  it('classes: names the classes of index labels; it does not apply to generated sets', () => {
    const graph = lowerSpecText(fashionSpec(idxData), { filename: dir.join('x.yaml') }).graph;
    const data = { ...parse(`d: ${idxData}`).d, classes: 'abcdefghij'.split('') };
    const prepared = prepareData(graph, data, dir.join('x.yaml'), 0);
    expect(prepared.info).toMatchObject({ classes: 'abcdefghij'.split('') });
    expect(() =>
      prepareData(graph, { ...data, classes: ['a', 'b'] }, dir.join('x.yaml'), 0),
    ).toThrow('train-labels-idx1-ubyte: label 9 of item 0 is out of range for 2 classes (a, b)');
    expect(() => prepareData(graph, { dataset: 'moons', classes: ['a', 'b'] }, '.', 0)).toThrow(
      "train.data.classes names the classes of CSV and IDX data; data set 'moons' has its own",
    );
  });

  it('{dataset: fashion_mnist} without the files says where to get them', async () => {
    expect(() => findFashionMnist(undefined, [dir.join('nowhere')])).toThrow(
      `data set 'fashion_mnist' is not on this machine: modelspec looks for train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz in ${dir.join('nowhere')} (Debian's dataset-fashion-mnist package puts them there: apt install dataset-fashion-mnist), or in the folder given with --data DIR`,
    );
    const spec = dir.write('absent.yaml', fashionSpec('{ dataset: fashion_mnist }'));
    const result = await runCli([
      'train',
      spec,
      '--data',
      dir.join('empty-folder-missing'),
      '--out',
      dir.join('none'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `modelspec: error: ${dir.join('empty-folder-missing')}: folder not found\n`,
    );
    expect(existsSync(dir.join('none'))).toBe(false);
  });
});
