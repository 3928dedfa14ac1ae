import {
  batches,
  fillWindows,
  gather,
  randomWindowOffsets,
  tilingWindowOffsets,
} from '../data/index.js';
import { ValueError } from '../tensor/errors.js';
import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** Input name -> the whole data set for that input; axis 0 is the sample axis. */
export type FitData = Readonly<Record<string, Tensor>>;

/**
 * What fit and evaluate draw batches from: a table of rows (FitData), or windows of a token
 * stream. A pass is one epoch of training (shuffled with the run's generator) or one sweep of
 * evaluation (in order); `batch` turns a pass's index set into the inputs' tensors.
 */
export interface Examples {
  /** Examples in one pass. */
  readonly size: number;
  /** The index sets of one pass, each at most batchSize long. */
  pass(batchSize: number, order: { shuffle: boolean; rng?: Rng }): Int32Array[];
  /**
   * The inputs of the examples `indices`. With `reuse`, the tensors of an earlier batch of the
   * same size are refilled instead of allocated (training reads a batch only within its step).
   */
  batch(indices: Int32Array, reuse?: boolean): Record<string, Tensor>;
}

export function isExamples(data: FitData | Examples): data is Examples {
  return typeof (data as Examples).pass === 'function';
}

/** The rows of tensors that share their first axis. */
export class TableExamples implements Examples {
  readonly size: number;
  private readonly reused = new Map<number, Record<string, Tensor>>();

  constructor(
    readonly data: FitData,
    what = 'data',
  ) {
    const sizes = Object.entries(data).map(([name, t]) => [name, t.shape[0] ?? 1] as const);
    if (sizes.length === 0) throw new ValueError(`${what}: no inputs given`);
    const [first, n] = sizes[0];
    for (const [name, m] of sizes) {
      if (m !== n) {
        throw new ValueError(`${what}: input '${name}' has ${m} samples but '${first}' has ${n}`);
      }
    }
    this.size = n;
  }

  pass(batchSize: number, order: { shuffle: boolean; rng?: Rng }): Int32Array[] {
    return batches(this.size, batchSize, order);
  }

  batch(indices: Int32Array, reuse = false): Record<string, Tensor> {
    const cached = reuse ? this.reused.get(indices.length) : undefined;
    const out: Record<string, Tensor> = cached ?? {};
    for (const [name, t] of Object.entries(this.data)) {
      const row = t.size / (t.shape[0] ?? 1);
      const storage =
        cached?.[name].storage ??
        new (t.storage.constructor as Float32ArrayConstructor)(indices.length * row);
      gather(t.storage, row, indices, storage);
      if (!cached) out[name] = new Tensor(storage, [indices.length, ...t.shape.slice(1)]);
    }
    if (reuse && !cached) this.reused.set(indices.length, out);
    return out;
  }
}

/**
 * Windows of a token stream (nanoGPT's get_batch): example i is x = tokens[i : i+T] for the ids
 * input and y = tokens[i+1 : i+T+1] for the targets input, both int32 [batch, T]. A training
 * pass draws ⌈w / batchSize⌉ full batches of offsets uniformly at random (with replacement),
 * w = ⌊(n − 1) / T⌋ being the number of windows that tile the stream, so a pass reads about as
 * many tokens as the stream has; an evaluation pass (or shuffle: false) takes those w tiling
 * windows in order.
 */
export class WindowExamples implements Examples {
  readonly size: number;
  private readonly reused = new Map<number, Record<string, Tensor>>();

  constructor(
    readonly tokens: Int32Array,
    readonly blockSize: number,
    readonly ids: string,
    readonly targets: string,
  ) {
    this.size = Math.floor((tokens.length - 1) / blockSize);
    if (this.size < 1) {
      throw new ValueError(
        `windows: a stream of ${tokens.length} tokens holds no window of ${blockSize} and its next token`,
      );
    }
  }

  pass(batchSize: number, order: { shuffle: boolean; rng?: Rng }): Int32Array[] {
    if (!order.shuffle) {
      const offsets = tilingWindowOffsets(this.tokens.length, this.blockSize);
      const out: Int32Array[] = [];
      for (let k = 0; k < offsets.length; k += batchSize) {
        out.push(offsets.subarray(k, k + batchSize));
      }
      return out;
    }
    if (!order.rng) throw new ValueError('shuffled windows need an rng');
    const rng = order.rng;
    const steps = Math.ceil(this.size / batchSize);
    return Array.from({ length: steps }, () =>
      randomWindowOffsets(this.tokens.length, this.blockSize, batchSize, rng),
    );
  }

  batch(offsets: Int32Array, reuse = false): Record<string, Tensor> {
    const T = this.blockSize;
    const cached = reuse ? this.reused.get(offsets.length) : undefined;
    const x = (cached?.[this.ids].storage as Int32Array) ?? new Int32Array(offsets.length * T);
    const y = (cached?.[this.targets].storage as Int32Array) ?? new Int32Array(offsets.length * T);
    fillWindows(this.tokens, T, offsets, x, y);
    if (cached) return cached;
    const out = {
      [this.ids]: new Tensor(x, [offsets.length, T]),
      [this.targets]: new Tensor(y, [offsets.length, T]),
    };
    if (reuse) this.reused.set(offsets.length, out);
    return out;
  }
}
