import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.js';
import type { IdxPair } from './idx.js';
import { packageDataPath } from './package-data.js';

/** The built-in data sets that are token streams or lines, shipped gzip-compressed in data/. */
export const TOKEN_DATASETS: Readonly<
  Record<string, { kind: 'text' | 'lines'; file: string; blockSize?: number }>
> = {
  // makemore's names.txt: 32,032 names of at most 15 letters, so 16 positions with the start token.
  names: { kind: 'lines', file: 'names.txt.gz', blockSize: 16 },
  // char-rnn's tiny shakespeare, nanoGPT's shakespeare_char.
  shakespeare_char: { kind: 'text', file: 'tinyshakespeare.txt.gz' },
};

export function tokenDatasetPath(name: string): string {
  return packageDataPath(TOKEN_DATASETS[name].file);
}

/** Fashion-MNIST's class names, index i for label i (Zalando's table, torchvision's `classes`). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Where Debian's dataset-fashion-mnist package installs the four IDX files. */
export const FASHION_MNIST_DIRS: readonly string[] = ['/usr/share/datasets/fashion-mnist'];

/** The standard names of the four MNIST/Fashion-MNIST files, each found with or without .gz. */
export const IDX_FILE_NAMES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

const STANDARD_NAMES = [
  ...Object.values(IDX_FILE_NAMES.train),
  ...Object.values(IDX_FILE_NAMES.test),
].map((name) => `${name}.gz`);

function findFile(dir: string, name: string): string | null {
  for (const candidate of [`${name}.gz`, name]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The IDX files in a folder that holds MNIST's standard names (`.gz` or not): the training pair,
 * and the t10k pair as the test split when it is there. A folder without the training pair is a
 * DataError listing what it looked for.
 */
export function idxFolder(dir: string): { train: IdxPair; test: IdxPair | null } {
  if (!isDirectory(dir)) {
    throw new DataError(existsSync(dir) ? 'is not a folder' : 'folder not found', { file: dir });
  }
  const pair = (names: { images: string; labels: string }) => {
    const images = findFile(dir, names.images);
    const labels = findFile(dir, names.labels);
    return images && labels ? { images, labels } : null;
  };
  const train = pair(IDX_FILE_NAMES.train);
  if (!train) {
    throw new DataError(
      `holds no IDX training files: expected ${IDX_FILE_NAMES.train.images}(.gz) and ${IDX_FILE_NAMES.train.labels}(.gz)`,
      { file: dir },
    );
  }
  return { train, test: pair(IDX_FILE_NAMES.test) };
}

/**
 * Fashion-MNIST's folder: `dataDir` (--data) when given, else the first of `searched` that holds
 * the files. Fashion-MNIST (30 MB) is not shipped with modelspec; the message says where to get it.
 */
export function findFashionMnist(
  dataDir?: string,
  searched: readonly string[] = FASHION_MNIST_DIRS,
): { train: IdxPair; test: IdxPair | null } {
  if (dataDir !== undefined) return idxFolder(dataDir);
  for (const dir of searched) {
    if (isDirectory(dir) && findFile(dir, IDX_FILE_NAMES.train.images)) return idxFolder(dir);
  }
  throw new DataError(
    `data set 'fashion_mnist' is not on this machine: modelspec looks for ${STANDARD_NAMES.join(', ')} in ${searched.join(', ')} (Debian's dataset-fashion-mnist package puts them there: apt install dataset-fashion-mnist), or in the folder given with --data DIR (the files are published at github.com/zalandoresearch/fashion-mnist)`,
  );
}
