import { readFileSync } from 'node:fs';
import type { SGD, SGDStateDict } from '../optim/sgd.js';
import { ModelError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** Everything a checkpoint carries besides the weights, kept as JSON in `__metadata__`. */
export interface CheckpointMetadata {
  /** The spec's name and a hash of its resolved text: a different spec is refused. */
  specName: string;
  specHash: string;
  optimizer?: SGDStateDict;
  /** Where a run is (fit.ts FitState) and any run-level state a caller keeps (data statistics, classes). */
  fit?: unknown;
  data?: unknown;
  scheduler?: unknown;
}

export interface Checkpoint {
  weights: Record<string, Tensor>;
  metadata: CheckpointMetadata;
}

const FORMAT_KEY = 'modelspec';
const FORMAT_VERSION = '1';

/**
 * Writes the model's state dict as safetensors (so other tools can read the weights), with the
 * rest as JSON strings in `__metadata__`; atomically, so a crash leaves the previous file.
 */
export function saveCheckpoint(
  path: string,
  model: Model,
  optimizer?: SGD,
  extra: Omit<CheckpointMetadata, 'specName' | 'specHash' | 'optimizer'> & {
    specHash?: string;
  } = {},
): void {
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    tensors[name] = { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(t.storage) };
  }
  const metadata: Record<string, string> = {
    [FORMAT_KEY]: FORMAT_VERSION,
    spec_name: model.graph.name,
    spec_hash: extra.specHash ?? '',
  };
  if (optimizer) metadata.optimizer = JSON.stringify(optimizer.stateDict());
  if (extra.fit !== undefined) metadata.fit = JSON.stringify(extra.fit);
  if (extra.data !== undefined) metadata.data = JSON.stringify(extra.data);
  if (extra.scheduler !== undefined) metadata.scheduler = JSON.stringify(extra.scheduler);
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Reads and checks a checkpoint file: a truncated or corrupt file is a CheckpointError. */
export function loadCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(
      code === 'ENOENT'
        ? `${path}: no such checkpoint file`
        : code === 'EISDIR'
          ? `${path} is a directory, not a checkpoint file`
          : `${path}: cannot read (${code ?? String(error)})`,
    );
  }
  const file = decodeSafetensors(bytes, { source: path });
  const meta = file.metadata;
  if (meta[FORMAT_KEY] !== FORMAT_VERSION) {
    throw new CheckpointError(
      `${path} is a safetensors file but not a modelspec checkpoint (no '${FORMAT_KEY}: ${FORMAT_VERSION}' in its metadata)`,
    );
  }
  const parse = (key: string): unknown => {
    if (meta[key] === undefined) return undefined;
    try {
      return JSON.parse(meta[key]);
    } catch {
      throw new CheckpointError(`${path}: metadata '${key}' is not valid JSON`);
    }
  };
  const weights: Record<string, Tensor> = {};
  for (const [name, entry] of Object.entries(file.tensors)) {
    weights[name] = tensor(entry.data, { shape: entry.shape });
  }
  return {
    weights,
    metadata: {
      specName: meta.spec_name ?? '',
      specHash: meta.spec_hash ?? '',
      optimizer: parse('optimizer') as SGDStateDict | undefined,
      fit: parse('fit'),
      data: parse('data'),
      scheduler: parse('scheduler'),
    },
  };
}

/**
 * Puts a checkpoint's weights into `model`, refusing one of a different spec with the names of
 * the parameters that differ (missing, unexpected, other shapes).
 */
export function restoreWeights(model: Model, checkpoint: Checkpoint, source: string): void {
  try {
    model.loadStateDict(checkpoint.weights);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    const from =
      checkpoint.metadata.specName && checkpoint.metadata.specName !== model.graph.name
        ? ` (it was written for spec '${checkpoint.metadata.specName}')`
        : '';
    throw new CheckpointError(
      `${source} does not belong to spec '${model.graph.name}'${from}: ${error.message.replace(/^loadStateDict: the state dict does not fit spec '[^']*': /, '')}`,
    );
  }
}
