import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lowerSpecText } from '../../src/runtime/compile.js';
import { evalRun } from '../../src/train/eval-run.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { prepareData } from '../../src/train/training-data.js';
import { runCli } from '../helpers/cli-run.js';
import { flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('test-split');

/** IDX bytes: magic (unsigned bytes, rank), big-endian sizes, elements. */
function idx(sizes: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header[2] = 0x08;
  header[3] = sizes.length;
  for (const [k, s] of sizes.entries()) header.writeUInt32BE(s, 4 + 4 * k);
  return Buffer.concat([header, Buffer.from(data)]);
}

describe('a test split', () => {
  it('is never trained on; eval measures it, else the validation split', async () => {
    writeFileSync(dir.join('test.csv'), 'width,height,kind\n-2.3,-0.8,left\n1.5,-0.2,right\n');
    const spec = flowersSpec(dir.path, 'with-test.yaml', [
      ['valid: 0.25,', 'valid: 0.25, test: { csv: test.csv },'],
    ]);
    const run = await trainRun({ specPath: spec, out: dir.join('run'), epochs: 2 });
    expect(run.report.data).toMatchObject({ trainRows: 27, validRows: 9, testRows: 2 });
    const result = evalRun({ specPath: spec, checkpoint: dir.join('run', RUN_FILES.checkpoint) });
    expect(result).toMatchObject({ split: 'test', rows: 2, source: dir.join('test.csv') });
    // The same training run without the test split: identical weights and validation numbers.
    const plain = flowersSpec(dir.path, 'plain.yaml');
    const other = await trainRun({ specPath: plain, out: dir.join('plain'), epochs: 2 });
    expect(other.history).toEqual(
      run.history.map((r) => ({ ...r, seconds: other.history[r.epoch - 1].seconds })),
    );
  });

  it('with a class training never saw is a located error, exit 1, nothing written', async () => {
    writeFileSync(dir.join('rose.csv'), 'width,height,kind\n-2.3,-0.8,left\n1.5,-0.2,rose\n');
    const spec = flowersSpec(dir.path, 'rose.yaml', [
      ['valid: 0.25,', 'valid: 0.25, test: { csv: rose.csv },'],
    ]);
    const out = dir.join('rose-run');
    const result = await runCli(['train', spec, '--out', out]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `modelspec: error: ${dir.join('rose.csv')}: row 3, column 'kind': 'rose' is not one of the classes (left, middle, right)\n`,
    });
    expect(existsSync(out)).toBe(false);

    // IDX: training labels 0 and 1, a test label 2.
    for (const [name, bytes] of [
      ['train-images', idx([2, 1, 2], [0, 255, 255, 0])],
      ['train-labels', idx([2], [0, 1])],
      ['test-images', idx([2, 1, 2], [0, 255, 255, 0])],
      ['test-labels', idx([2], [1, 2])],
    ] as const) {
      writeFileSync(dir.join(name), bytes);
    }
    const graph = lowerSpecText(
      `modelspec: 1
name: tiny
inputs:
  x: { shape: [batch, 1, 1, 2] }
  y: { shape: [batch], dtype: int32 }
layers: { from: x, to: logits, stack: [flatten, { linear: 3 }] }
loss: cross_entropy(logits, y)
`,
      { filename: dir.join('tiny.yaml') },
    ).graph;
    const data = {
      idx: { images: 'train-images', labels: 'train-labels' },
      test: { idx: { images: 'test-images', labels: 'test-labels' } },
    };
    expect(() => prepareData(graph, data, dir.join('tiny.yaml'), 0)).toThrow(
      `${dir.join('test-labels')}: test split: example 2 is of class '2', which the training data never has`,
    );
  });

  it("of a built-in table is a CSV with the built-in's columns", () => {
    const graph = lowerSpecText(
      `modelspec: 1\nname: m\ninputs:\n  x: { shape: [batch, 2] }\n  y: { shape: [batch], dtype: int32 }\nlayers: { from: x, to: logits, stack: [{ linear: 2 }] }\nloss: cross_entropy(logits, y)\n`,
    ).graph;
    const test = dir.write('moons-test.csv', 'x1,x2,label\n0.5,0.2,1\n-1,0.3,0\n');
    const prepared = prepareData(graph, { dataset: 'moons', test: { csv: test } }, '.', 0);
    expect(prepared.testRows).toBe(2);
    expect(Array.from(prepared.test?.batch(Int32Array.of(0, 1)).y.storage ?? [])).toEqual([1, 0]);
  });

  it('takes the form of the training source', () => {
    const spec = flowersSpec(dir.path, 'form.yaml', [
      ['valid: 0.25,', 'valid: 0.25, test: { text: some.txt },'],
    ]);
    const graph = lowerSpecText(
      `modelspec: 1\nname: f\ninputs:\n  x: { shape: [batch, 2] }\n  y: { shape: [batch], dtype: int32 }\nlayers: { from: x, to: logits, stack: [{ linear: 3 }] }\nloss: cross_entropy(logits, y)\n`,
    ).graph;
    expect(() =>
      prepareData(
        graph,
        { csv: 'flowers.csv', target: 'kind', test: { text: 'some.txt' } },
        spec,
        0,
      ),
    ).toThrow('train.data.test is text data, but the training data is csv');
  });
});

describe('CSV rows fill an input of any shape', () => {
  it('in row-major order: 64 pixel columns become [batch, 1, 8, 8]', () => {
    const graph = lowerSpecText(
      `modelspec: 1
name: digits-image
inputs:
  x: { shape: [batch, 1, 8, 8] }
  y: { shape: [batch], dtype: int32 }
layers: { from: x, to: logits, stack: [flatten, { linear: 10 }] }
loss: cross_entropy(logits, y)
`,
    ).graph;
    const prepared = prepareData(graph, { dataset: 'digits' }, '.', 0);
    const { x, y } = prepared.train.batch(Int32Array.of(0));
    expect(x.shape).toEqual([1, 1, 8, 8]);
    // digits.csv row 1: p0..p63, label 0.
    const first =
      '0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0';
    const pixels = first.split(',').map(Number);
    expect(x.toArray()).toEqual([
      [Array.from({ length: 8 }, (_, r) => pixels.slice(8 * r, 8 * r + 8))],
    ]);
    expect(Array.from(y.storage)).toEqual([0]);
  });
});
