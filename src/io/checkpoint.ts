import { readFileSync } from 'node:fs';
import type { Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { ModelError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsEntry,
} from './safetensors.js';

/** Everything a checkpoint carries besides the weights, kept as JSON in `__metadata__`. */
export interface CheckpointMetadata {
  /** The spec's name and a hash of its resolved text: a different spec is refused. */
  specName: string;
  specHash: string;
  /** The optimizer's state dict: its state tensors come from the file's optimizer entries. */
  optimizer?: OptimizerStateDict;
  /** The spec name of the optimizer (`adamw`); absent in format 1, which only knew SGD. */
  optimizerName?: string;
  /** Early stopping: the record of the evaluation whose weights best.safetensors holds. */
  best?: unknown;
  /** Where a run is (fit.ts FitState) and any run-level state a caller keeps (data statistics, classes). */
  fit?: unknown;
  data?: unknown;
  scheduler?: unknown;
  /** The dims the run set on the command line (`--dim`): eval, predict and sample use them too. */
  dims?: Record<string, number>;
}

export interface Checkpoint {
  weights: Record<string, Tensor>;
  /**
   * Gradients summed so far towards the next optimizer step, by parameter path: present when
   * the run was stopped between the batches of one step (gradient accumulation).
   */
  gradients: Record<string, Tensor>;
  metadata: CheckpointMetadata;
}

const FORMAT_KEY = 'modelspec';
/** Format 2 keeps optimizer state as tensors; format 1 kept it as JSON in the header. */
const FORMAT_VERSION = '2';
const READABLE_VERSIONS = ['1', '2'];

/**
 * Optimizer state tensors are stored as `optimizer/<parameter index>/<state name>`: a slash
 * cannot occur in a parameter path, so they never meet the model's own names.
 */
const OPTIMIZER_PREFIX = 'optimizer/';
/** Accumulated gradients are stored as `grad/<parameter path>`. */
const GRADIENT_PREFIX = 'grad/';

/** A tensor as a safetensors entry; its storage is read as it is (encoding copies it). */
function entryOf(t: Tensor): SafetensorsEntry {
  const shape = [...t.shape];
  const { storage } = t;
  if (storage instanceof Float64Array) return { dtype: 'F64', shape, data: storage };
  // Integer buffers (num_batches_tracked) as torch writes them: int64.
  if (storage instanceof Int32Array) return { dtype: 'I64', shape, data: storage };
  return {
    dtype: 'F32',
    shape,
    data: storage instanceof Float32Array ? storage : Float32Array.from(storage),
  };
}

/**
 * The optimizer's state dict split in two: its tensors as safetensors entries (one per state
 * tensor), the rest (options, step counts) as small JSON.
 */
function optimizerEntries(optimizer: Optimizer, tensors: Record<string, SafetensorsEntry>): string {
  const { state, paramGroups } = optimizer.stateDict();
  const json: Record<number, ParamState> = {};
  for (const [index, entries] of Object.entries(state)) {
    const rest: ParamState = {};
    for (const [name, value] of Object.entries(entries)) {
      if (value instanceof Tensor) tensors[`${OPTIMIZER_PREFIX}${index}/${name}`] = entryOf(value);
      else rest[name] = value;
    }
    json[Number(index)] = rest;
  }
  return JSON.stringify({ name: optimizer.definition.name, state: json, paramGroups });
}

/**
 * Writes the model's state dict as safetensors (so other tools can read the weights), the
 * optimizer's state tensors beside them, and the rest as JSON strings in `__metadata__`;
 * atomically, so a crash leaves the previous file.
 */
export function saveCheckpoint(
  path: string,
  model: Model,
  optimizer?: Optimizer,
  extra: Omit<CheckpointMetadata, 'specName' | 'specHash' | 'optimizer' | 'optimizerName'> & {
    specHash?: string;
    /** Also store the parameters' gradients (a stop in the middle of gradient accumulation). */
    gradients?: boolean;
  } = {},
): void {
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    tensors[name] = entryOf(t);
  }
  if (extra.gradients) {
    for (const [name, p] of model.namedParameters()) {
      if (p.grad !== null) tensors[`${GRADIENT_PREFIX}${name}`] = entryOf(p.grad);
    }
  }
  const metadata: Record<string, string> = {
    [FORMAT_KEY]: FORMAT_VERSION,
    spec_name: model.graph.name,
    spec_hash: extra.specHash ?? '',
  };
  if (optimizer) metadata.optimizer = optimizerEntries(optimizer, tensors);
  if (extra.fit !== undefined) metadata.fit = JSON.stringify(extra.fit);
  if (extra.data !== undefined) metadata.data = JSON.stringify(extra.data);
  if (extra.scheduler !== undefined) metadata.scheduler = JSON.stringify(extra.scheduler);
  if (extra.best !== undefined) metadata.best = JSON.stringify(extra.best);
  if (extra.dims !== undefined && Object.keys(extra.dims).length > 0)
    metadata.dims = JSON.stringify(extra.dims);
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
  if (meta[FORMAT_KEY] === undefined) {
    throw new CheckpointError(
      `${path} is a safetensors file but not a modelspec checkpoint (no '${FORMAT_KEY}: ${FORMAT_VERSION}' in its metadata)`,
    );
  }
  if (!READABLE_VERSIONS.includes(meta[FORMAT_KEY])) {
    throw new CheckpointError(
      `${path} is a modelspec checkpoint of format ${meta[FORMAT_KEY]}, which this version cannot read (it reads formats ${READABLE_VERSIONS.join(' and ')}); use a newer modelspec`,
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
  const gradients: Record<string, Tensor> = {};
  const optimizerTensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(file.tensors)) {
    // The decoded arrays are fresh copies, so the tensors take them as they are.
    const t = new Tensor(entry.data, entry.shape);
    if (name.startsWith(OPTIMIZER_PREFIX))
      optimizerTensors.set(name.slice(OPTIMIZER_PREFIX.length), t);
    else if (name.startsWith(GRADIENT_PREFIX)) gradients[name.slice(GRADIENT_PREFIX.length)] = t;
    else weights[name] = t;
  }
  const optimizer = parse('optimizer') as (OptimizerStateDict & { name?: string }) | undefined;
  if (optimizer !== undefined) {
    if (typeof optimizer.state !== 'object' || optimizer.state === null) {
      throw new CheckpointError(`${path}: metadata 'optimizer' has no state`);
    }
    for (const [key, t] of optimizerTensors) {
      const [index, name] = key.split('/');
      const entries = optimizer.state[Number(index)];
      if (entries === undefined || name === undefined) {
        throw new CheckpointError(
          `${path}: optimizer tensor '${OPTIMIZER_PREFIX}${key}' belongs to no parameter of the optimizer's state`,
        );
      }
      entries[name] = t;
    }
  }
  const { name: optimizerName, ...optimizerState } = optimizer ?? {};
  return {
    weights,
    gradients,
    metadata: {
      specName: meta.spec_name ?? '',
      specHash: meta.spec_hash ?? '',
      ...(optimizer
        ? {
            optimizer: optimizerState as OptimizerStateDict,
            optimizerName: optimizerName ?? 'sgd',
          }
        : {}),
      fit: parse('fit'),
      data: parse('data'),
      scheduler: parse('scheduler'),
      best: parse('best'),
      dims: parse('dims') as Record<string, number> | undefined,
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

/**
 * Puts a checkpoint's accumulated gradients into the model's parameters' `.grad`, so the run
 * goes on summing where it stopped.
 */
export function restoreGradients(model: Model, checkpoint: Checkpoint, source: string): void {
  const params = new Map(model.namedParameters());
  for (const [name, g] of Object.entries(checkpoint.gradients)) {
    const p = params.get(name);
    if (p === undefined || p.size !== g.size) {
      throw new CheckpointError(
        `${source}: gradient '${GRADIENT_PREFIX}${name}' fits no parameter of spec '${model.graph.name}'`,
      );
    }
    p.grad = new Tensor(Float32Array.from(g.storage), p.shape);
  }
}
