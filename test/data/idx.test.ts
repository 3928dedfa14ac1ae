import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadIdx, readIdx } from '../../src/data/idx.js';
import { readDataBytes, readTextFile } from '../../src/data/read-file.js';
import { sharedData } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('idx');

/** The bytes of an IDX file: magic (type, rank), big-endian sizes, then the elements. */
function idx(sizes: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * sizes.length));
  header.setUint8(2, type);
  header.setUint8(3, sizes.length);
  for (const [k, s] of sizes.entries()) header.setUint32(4 + 4 * k, s, false);
  return Buffer.concat([new Uint8Array(header.buffer), Uint8Array.from(data)]);
}

function file(name: string, bytes: Uint8Array): string {
  const path = dir.join(name);
  writeFileSync(path, bytes);
  return path;
}

const PIXELS = [0, 51, 255, 102, 0, 0, 255, 204, 153, 0, 0, 0];
const images = file('images', idx([2, 2, 3], PIXELS));
const labels = file('labels', idx([2], [3, 1]));

describe('IDX files', () => {
  it('reads images as rows of pixels / 255 with their shape, and labels as class indices', () => {
    const ds = loadIdx(images, labels);
    expect(Array.from(ds.features)).toEqual(PIXELS.map((p) => Math.fround(p / 255)));
    expect(ds.imageShape).toEqual([1, 2, 3]);
    expect(ds.featureNames).toEqual([]);
    expect(Array.from(ds.target)).toEqual([3, 1]);
    expect(ds.classes).toEqual(['0', '1', '2', '3']);
    expect(ds.task).toBe('classification');
  });

  it('reads gzip-compressed files the same (recognised by content, not by name)', () => {
    const gz = file('images.gz', gzipSync(idx([2, 2, 3], PIXELS)));
    const unnamed = file('images-packed', gzipSync(idx([2, 2, 3], PIXELS)));
    const plain = loadIdx(images, labels);
    expect(loadIdx(gz, labels)).toEqual(plain);
    expect(loadIdx(unnamed, labels)).toEqual(plain);
  });

  it('refuses files that are not unsigned-byte IDX arrays of the right rank', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['csv', Buffer.from('a,b\n1,2\n'), /is not an IDX file: it starts with bytes 61 2C 62 0A/],
      ['short', Uint8Array.from([0, 0, 8]), /too short for an IDX header \(3 bytes\)/],
      [
        'floats',
        idx([2, 2, 3], new Uint8Array(48), 0x0d),
        /elements of type 0x0D \(float32\); images are IDX with magic number 0x00000803/,
      ],
      ['labels-as-images', idx([2], [3, 1]), /has 1 dim \(magic number 0x00000801\); images/],
      ['header-cut', idx([2, 2, 3], []).subarray(0, 10), /truncated: its header needs 16 bytes/],
      [
        'data-cut',
        idx([2, 2, 3], PIXELS.slice(0, 7)),
        /truncated: its header gives 2 × 2 × 3 = 12 bytes of data, the file has 7/,
      ],
      ['too-long', idx([2, 2, 3], [...PIXELS, 1, 2]), /has 2 bytes after the 12 its header gives/],
      ['empty-dim', idx([0, 2, 3], []), /has size 0 in dim 0/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = file(name, bytes);
      expect(() => loadIdx(path, labels), name).toThrow(message);
      expect(() => loadIdx(path, labels), name).toThrow(`${path}: `);
    }
  });

  it('refuses labels whose count differs from the images', () => {
    const three = file('three-labels', idx([3], [1, 2, 3]));
    expect(() => loadIdx(images, three)).toThrow(
      `${images} holds 2 images but ${three} holds 3 labels; they must be the same number, in the same order`,
    );
  });

  it('refuses a truncated or corrupt gzip file and a .gz name on plain data', () => {
    const packed = gzipSync(idx([2, 2, 3], PIXELS));
    const cut = file('cut.gz', packed.subarray(0, packed.length - 12));
    expect(() => readIdx(cut, 3, 'images')).toThrow(`${cut}: is a truncated gzip file`);
    const bad = Buffer.from(packed);
    bad[12] ^= 0xff;
    const corrupt = file('corrupt.gz', bad);
    expect(() => readIdx(corrupt, 3, 'images')).toThrow(`${corrupt}: is not a valid gzip file`);
    const plain = file('plain.gz', idx([2, 2, 3], PIXELS));
    expect(() => readIdx(plain, 3, 'images')).toThrow('ends in .gz but is not gzip-compressed');
  });
});

describe('reading data files within a size limit', () => {
  it('refuses a file beyond the limit, and a gzip file that unpacks beyond it, while reading', () => {
    const big = file('big', new Uint8Array(5000));
    expect(() => readDataBytes(big, { maxBytes: 4096 })).toThrow(
      `${big}: is larger than the limit of 4 KiB for a data file`,
    );
    expect(readDataBytes(big, { maxBytes: 5000 })).toHaveLength(5000);
    // 10 MB of zeros pack into ~10 KB: the unpacking stops at the limit.
    const bomb = file('bomb.gz', gzipSync(new Uint8Array(10_000_000)));
    expect(() => readDataBytes(bomb, { maxBytes: 2 ** 20 })).toThrow(
      `${bomb}: unpacks to more than the limit of 1 MiB for a data file`,
    );
  });

  it('names the file that is missing, a folder, or not UTF-8 text', () => {
    expect(() => readDataBytes(dir.join('none'))).toThrow(`${dir.join('none')}: file not found`);
    expect(() => readDataBytes(dir.path)).toThrow(`${dir.path}: is a directory, not a file`);
    const latin1 = file('latin1.txt', Uint8Array.from([0x63, 0x61, 0x66, 0xe9]));
    expect(() => readTextFile(latin1)).toThrow(`${latin1}: is not UTF-8 text`);
    expect(readTextFile(file('bom.txt', Buffer.from('\ufeffcafé')))).toBe('café');
  });
});

describe('Fashion-MNIST (the shared copy)', () => {
  it('t10k: 10,000 28×28 images, 1,000 of each class, in the published order', () => {
    const ds = loadIdx(
      sharedData('fashion-mnist/t10k-images-idx3-ubyte.gz'),
      sharedData('fashion-mnist/t10k-labels-idx1-ubyte.gz'),
    );
    expect(ds.imageShape).toEqual([1, 28, 28]);
    expect(ds.features).toHaveLength(10_000 * 784);
    expect(Array.from(ds.target.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const perClass = new Array(10).fill(0);
    for (const label of ds.target) perClass[label]++;
    expect(perClass).toEqual(new Array(10).fill(1000));
    // numpy: the first image's pixels sum to 33456.
    const first = ds.features.subarray(0, 784).reduce((a, b) => a + b, 0);
    expect(first * 255).toBeCloseTo(33456, 1);
    expect(Math.max(...ds.features.subarray(0, 784))).toBeLessThanOrEqual(1);
  });
});
