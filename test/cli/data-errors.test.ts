import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-run.js';
import { fashionSpec } from '../helpers/fashion.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli-data-errors');

/** IDX bytes: magic (element type, rank), big-endian sizes, elements. */
function idx(sizes: number[], data: number[], type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header[2] = type;
  header[3] = sizes.length;
  for (const [k, s] of sizes.entries()) header.writeUInt32BE(s, 4 + 4 * k);
  return Buffer.concat([header, Buffer.from(data)]);
}

/** A spec with token ids and targets inputs (no loss: the data is refused before it matters). */
function lmSpec(name: string, data: string): string {
  return dir.write(
    name,
    `modelspec: 1
name: lm
inputs:
  idx: { shape: [batch, 8], dtype: int32 }
  targets: { shape: [batch, 8], dtype: int32 }
train:
  data: ${data}
`,
  );
}

async function expectRefused(spec: string, message: string): Promise<void> {
  const out = dir.join(`out-${Math.random().toString(36).slice(2)}`);
  const result = await runCli(['train', spec, '--out', out]);
  expect(result).toEqual({ code: 1, stdout: '', stderr: `modelspec: error: ${message}\n` });
  expect(existsSync(out)).toBe(false);
}

const images = idx([2, 28, 28], new Array(2 * 784).fill(7));
const labels = idx([2], [1, 2]);

describe('bad data: one located message, exit 1, no run folder', () => {
  it('a truncated IDX file', async () => {
    writeFileSync(dir.join('cut-images'), images.subarray(0, 1000));
    writeFileSync(dir.join('labels'), labels);
    await expectRefused(
      dir.write('cut.yaml', fashionSpec('{ idx: { images: cut-images, labels: labels } }')),
      `${dir.join('cut-images')}: is truncated: its header gives 2 × 28 × 28 = 1,568 bytes of data, the file has 984`,
    );
  });

  it('an IDX file of another element type, or of another rank', async () => {
    writeFileSync(dir.join('float-images'), idx([2, 28, 28], new Array(2 * 784).fill(0), 0x0d));
    await expectRefused(
      dir.write('float.yaml', fashionSpec('{ idx: { images: float-images, labels: labels } }')),
      `${dir.join('float-images')}: holds IDX elements of type 0x0D (float32); images are IDX with magic number 0x00000803 (unsigned bytes, 3 dims), as MNIST and Fashion-MNIST are stored`,
    );
    writeFileSync(dir.join('images'), images);
    await expectRefused(
      dir.write('swapped.yaml', fashionSpec('{ idx: { images: labels, labels: images } }')),
      `${dir.join('labels')}: has 1 dim (magic number 0x00000801); images are IDX with magic number 0x00000803 (unsigned bytes, 3 dims)`,
    );
  });

  it('images and labels of different counts', async () => {
    writeFileSync(dir.join('three-labels'), idx([3], [1, 2, 3]));
    await expectRefused(
      dir.write('count.yaml', fashionSpec('{ idx: { images: images, labels: three-labels } }')),
      `${dir.join('images')} holds 2 images but ${dir.join('three-labels')} holds 3 labels; they must be the same number, in the same order`,
    );
  });

  it('an empty text file, a text shorter than the block size', async () => {
    writeFileSync(dir.join('empty.txt'), '');
    await expectRefused(
      lmSpec('empty.yaml', '{ text: empty.txt }'),
      `${dir.join('empty.txt')}: is empty: a text source needs characters to learn from`,
    );
    writeFileSync(dir.join('short.txt'), 'to be or');
    await expectRefused(
      lmSpec('short.yaml', '{ text: short.txt }'),
      `${dir.join('short.txt')} has 8 characters, fewer than block_size + 1 = 9 (one window and the character after it)`,
    );
  });

  it('a lines file with a blank line, or a line longer than the block size', async () => {
    writeFileSync(dir.join('blank.txt'), 'emma\nolivia\n\nava\n');
    await expectRefused(
      lmSpec('blank.yaml', '{ lines: blank.txt }'),
      `${dir.join('blank.txt')}: line 3 is blank: a lines source takes one example per line, and a blank line would be an empty example`,
    );
    writeFileSync(dir.join('long.txt'), 'emma\nelizabeth\n');
    await expectRefused(
      lmSpec('long.yaml', '{ lines: long.txt }'),
      `${dir.join('long.txt')}: line 2 has 9 characters; block_size 8 fits lines of at most 7 (one position holds the start token)`,
    );
  });

  it('a test split with characters the training text does not have', async () => {
    writeFileSync(dir.join('train.txt'), 'abcabcabcabcabcabc');
    writeFileSync(dir.join('test.txt'), 'abcabcabcabcxyz');
    await expectRefused(
      lmSpec('chars.yaml', '{ text: train.txt, test: { text: test.txt } }'),
      `${dir.join('test.txt')}: the text has 3 characters that the training text does not have: 'x' (U+0078), 'y' (U+0079), 'z' (U+007A)`,
    );
  });

  it('text data for a spec whose inputs cannot take token ids', async () => {
    writeFileSync(dir.join('train.txt'), 'abcabcabcabcabcabc');
    await expectRefused(
      dir.write('float.yaml', fashionSpec('{ text: train.txt }')),
      "input 'x' takes the token ids of text data, so it must be int32 [batch, T]; it is float32 [batch, 1, 28, 28]",
    );
  });
});
