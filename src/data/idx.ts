import type { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { type ReadLimit, readDataBytes } from './read-file.js';

/** The two files of an IDX data set. */
export interface IdxPair {
  images: string;
  labels: string;
}

/** An IDX array of unsigned bytes: its dims (the first is the item count) and its data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  8: 'unsigned byte',
  9: 'signed byte',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};

const hex = (value: number, digits: number) =>
  `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
const count = (n: number) => n.toLocaleString('en-US');

/**
 * Parses the IDX format of MNIST (yann.lecun.com/exdb/mnist): a big-endian magic number (two
 * zero bytes, the element type, the number of dims), each dim as a 32-bit size, then the
 * elements. modelspec reads unsigned-byte files (type 0x08, as MNIST and Fashion-MNIST are
 * stored) of `rank` dims; anything else, a short header, or data that does not match the sizes
 * the header gives (too little or too much) is a DataError naming the file.
 */
export function parseIdx(bytes: Uint8Array, file: string, rank: number, role: string): IdxArray {
  const magic = 0x800 + rank;
  const expect = `${role} are IDX with magic number ${hex(magic, 8)} (unsigned bytes, ${rank} dim${rank === 1 ? '' : 's'})`;
  if (bytes.length < 4) {
    throw new DataError(`is too short for an IDX header (${bytes.length} bytes); ${expect}`, {
      file,
    });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const found = Array.from(bytes.subarray(0, 4), (b) => hex(b, 2).slice(2)).join(' ');
    throw new DataError(`is not an IDX file: it starts with bytes ${found}; ${expect}`, { file });
  }
  const type = bytes[2];
  const dims = bytes[3];
  if (type !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : ' (not an IDX element type)';
    throw new DataError(
      `holds IDX elements of type ${hex(type, 2)}${name}; ${expect}, as MNIST and Fashion-MNIST are stored`,
      { file },
    );
  }
  if (dims !== rank) {
    throw new DataError(
      `has ${dims} dim${dims === 1 ? '' : 's'} (magic number ${hex(0x800 + dims, 8)}); ${expect}`,
      { file },
    );
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new DataError(
      `is truncated: its header needs ${header} bytes (the magic number and ${rank} sizes), the file has ${bytes.length}`,
      { file },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizes: number[] = [];
  for (let k = 0; k < rank; k++) sizes.push(view.getUint32(4 + 4 * k, false));
  const zero = sizes.indexOf(0);
  if (zero >= 0) {
    throw new DataError(
      `has size 0 in dim ${zero} (sizes ${sizes.join(' × ')}): it holds no data`,
      { file },
    );
  }
  const expected = sizes.reduce((a, b) => a * b, 1);
  const actual = bytes.length - header;
  if (actual < expected) {
    throw new DataError(
      `is truncated: its header gives ${sizes.join(' × ')} = ${count(expected)} bytes of data, the file has ${count(actual)}`,
      { file },
    );
  }
  if (actual > expected) {
    throw new DataError(
      `has ${count(actual - expected)} bytes after the ${count(expected)} its header gives (${sizes.join(' × ')}); it is not one IDX array`,
      { file },
    );
  }
  return { dims: sizes, data: bytes.subarray(header) };
}

/** Reads an IDX file (gzip-compressed or not) of `rank` dims; see parseIdx. */
export function readIdx(path: string, rank: number, role: string, limit: ReadLimit = {}): IdxArray {
  return parseIdx(readDataBytes(path, limit), path, rank, role);
}

/**
 * An IDX images file [n, rows, cols] as n rows of rows·cols features scaled to [0, 1]
 * (pixel / 255), each an image of shape [1, rows, cols].
 */
export function readIdxImages(
  path: string,
  limit: ReadLimit = {},
): { features: Float32Array; imageShape: number[]; count: number } {
  const images = readIdx(path, 3, 'images', limit);
  const [count, rows, cols] = images.dims;
  const features = new Float32Array(images.data.length);
  for (let i = 0; i < features.length; i++) features[i] = images.data[i] / 255;
  return { features, imageShape: [1, rows, cols], count };
}

export interface IdxOptions extends ReadLimit {
  /** Class names, index i for label i; default '0' .. the largest label. */
  classes?: string[];
}

/**
 * A pair of IDX files as a classification Dataset: images [n, rows, cols] become n rows of
 * rows·cols features scaled to [0, 1] (pixel / 255), with `imageShape` [1, rows, cols]; labels
 * [n] are the class indices. The two files must hold the same number of items.
 */
export function loadIdx(imagesPath: string, labelsPath: string, options: IdxOptions = {}): Dataset {
  const images = readIdxImages(imagesPath, options);
  const labels = readIdx(labelsPath, 1, 'labels', options);
  const n = images.count;
  if (labels.dims[0] !== n) {
    throw new DataError(
      `${imagesPath} holds ${count(n)} images but ${labelsPath} holds ${count(labels.dims[0])} labels; they must be the same number, in the same order`,
    );
  }
  const target = Int32Array.from(labels.data);
  let max = 0;
  for (const label of labels.data) if (label > max) max = label;
  const classes = options.classes ?? Array.from({ length: max + 1 }, (_, i) => String(i));
  if (max >= classes.length) {
    const at = labels.data.findIndex((label) => label >= classes.length);
    throw new DataError(
      `label ${labels.data[at]} of item ${at} is out of range for ${classes.length} classes (${classes.join(', ')})`,
      { file: labelsPath },
    );
  }
  return {
    features: images.features,
    featureNames: [],
    imageShape: images.imageShape,
    target,
    targetName: 'label',
    classes,
    task: 'classification',
  };
}
