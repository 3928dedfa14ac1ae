import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sharedData } from './shared-data.js';

/** The first `count` items of an IDX file of the shared Fashion-MNIST, as IDX bytes. */
function head(file: string, count: number): Buffer {
  const bytes = gunzipSync(readFileSync(sharedData('fashion-mnist', file)));
  const rank = bytes[3];
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * rank));
  header.writeUInt32BE(count, 4);
  const perItem = rank === 3 ? header.readUInt32BE(8) * header.readUInt32BE(12) : 1;
  return Buffer.concat([header, bytes.subarray(4 + 4 * rank, 4 + 4 * rank + count * perItem)]);
}

/**
 * A folder with MNIST's four standard file names holding the first `train` training and `test`
 * t10k items of Fashion-MNIST: the training pair raw, the t10k pair gzip-compressed (so both
 * forms are read).
 */
export function fashionSubset(dir: string, train: number, test: number): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), head('train-images-idx3-ubyte.gz', train));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), head('train-labels-idx1-ubyte.gz', train));
  writeFileSync(
    join(dir, 't10k-images-idx3-ubyte.gz'),
    gzipSync(head('t10k-images-idx3-ubyte.gz', test)),
  );
  writeFileSync(
    join(dir, 't10k-labels-idx1-ubyte.gz'),
    gzipSync(head('t10k-labels-idx1-ubyte.gz', test)),
  );
  return dir;
}

/** An MLP on 28×28 images fed as [batch, 1, 28, 28], with `data` as its train.data. */
export function fashionSpec(data: string, extra = ''): string {
  return `modelspec: 1
name: fashion-mlp
inputs:
  x: { shape: [batch, 1, 28, 28] }
  y: { shape: [batch], dtype: int32 }
graph:
  flat: flatten(x)
layers:
  from: flat
  to: logits
  stack:
    - linear: 32
    - relu
    - linear: 10
loss: cross_entropy(logits, y)
train:
  data: ${data}
  optimizer: { sgd: { lr: 0.1, momentum: 0.9 } }
  epochs: 2
  batch_size: 50
  metrics: [accuracy]
${extra}`;
}
