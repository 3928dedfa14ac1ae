import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, restoreWeights, saveCheckpoint } from '../../src/io/checkpoint.js';
import { CheckpointError, decodeSafetensors } from '../../src/io/safetensors.js';
import { SGD } from '../../src/optim/sgd.js';
import { compileFile } from '../../src/runtime/compile.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('checkpoint');
const path = dir.join('run', RUN_FILES.checkpoint);

beforeAll(async () => {
  await trainRun({ specPath: FLOWERS_SPEC, out: dir.join('run'), epochs: 2 });
});

/** The header of a safetensors file as any reader sees it. */
function header(bytes: Uint8Array): Record<string, unknown> {
  const length = Number(Buffer.from(bytes).readBigUInt64LE(0));
  return JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8'));
}

describe('checkpoint.safetensors', () => {
  it('is a plain safetensors file: the state dict as F32 tensors, the rest in __metadata__', () => {
    const bytes = readFileSync(path);
    const h = header(bytes);
    const model = compileFile(FLOWERS_SPEC);
    const names = Object.keys(model.stateDict());
    // Momentum: one buffer per parameter, as a tensor beside the weights (format 2).
    const buffers = names.map((_, i) => `optimizer/${i}/momentumBuffer`);
    expect(Object.keys(h).sort()).toEqual(['__metadata__', ...names, ...buffers].sort());
    model.parameters().forEach((p, i) => {
      expect(h[`optimizer/${i}/momentumBuffer`]).toMatchObject({ dtype: 'F32', shape: p.shape });
    });
    for (const [name, t] of Object.entries(model.stateDict())) {
      expect(h[name]).toMatchObject({ dtype: 'F32', shape: t.shape });
    }
    const meta = h.__metadata__ as Record<string, string>;
    expect(Object.keys(meta).sort()).toEqual([
      'data',
      'fit',
      'modelspec',
      'optimizer',
      'spec_hash',
      'spec_name',
    ]);
    expect(meta.modelspec).toBe('2');
    expect(JSON.parse(meta.optimizer).state).toEqual({ 0: {}, 1: {}, 2: {}, 3: {} });
    expect(meta.spec_name).toBe('flowers');
    expect(meta.spec_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const key of ['data', 'fit', 'optimizer'])
      expect(() => JSON.parse(meta[key])).not.toThrow();
  });

  it('carries optimizer state, epoch/step, RNG states, data statistics and the class mapping', () => {
    const { metadata } = loadCheckpoint(path);
    const params = compileFile(FLOWERS_SPEC).parameters();
    // momentum 0.9: one buffer per parameter, as many numbers as the parameter.
    const buffers = Object.values(metadata.optimizer?.state ?? {}).map(
      (s) => (s.momentumBuffer as Tensor | null)?.size,
    );
    expect(buffers).toEqual(params.map((p) => p.size));
    expect(metadata.optimizer?.paramGroups[0]).toMatchObject({ lr: 0.2, momentum: 0.9 });
    const fit = metadata.fit as {
      state: Record<string, unknown>;
      train: { seed: number; epochs: number };
    };
    expect(fit.state).toMatchObject({ epoch: 2, stepInEpoch: 0, step: 8, totals: [] });
    expect(fit.state.shuffleState).toEqual(expect.any(Array));
    expect(fit.state.dropoutState).toEqual(expect.any(Array));
    expect(fit.train).toMatchObject({ seed: 3, epochs: 2 });
    expect(metadata.data).toMatchObject({
      classes: ['left', 'middle', 'right'],
      featureNames: ['width', 'height'],
      standardizer: { mean: expect.any(Array), std: expect.any(Array) },
    });
  });

  it('round-trips the weights exactly', () => {
    const model = compileFile(FLOWERS_SPEC, { seed: 99 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const file = dir.join('roundtrip.safetensors');
    saveCheckpoint(file, model, optimizer, { specHash: 'abc' });
    const other = compileFile(FLOWERS_SPEC, { seed: 1 });
    restoreWeights(other, loadCheckpoint(file), file);
    for (const [name, t] of Object.entries(model.stateDict())) {
      expect(Array.from(other.stateDict()[name].storage)).toEqual(Array.from(t.storage));
    }
    expect(loadCheckpoint(file).metadata).toMatchObject({ specName: 'flowers', specHash: 'abc' });
  });
});

describe('loading a damaged checkpoint', () => {
  const bytes = () => readFileSync(path);

  it('a file cut short anywhere is a CheckpointError that says it is truncated', () => {
    const whole = bytes();
    for (const cut of [0, 5, 8, 100, whole.length - 1]) {
      const file = dir.join(`cut-${cut}.safetensors`);
      writeFileSync(file, whole.subarray(0, cut));
      expect(() => loadCheckpoint(file)).toThrow(CheckpointError);
      expect(() => loadCheckpoint(file)).toThrow(new RegExp(`^${file} is truncated`));
    }
  });

  it('a corrupt header is a CheckpointError naming the file', () => {
    const damaged = bytes();
    damaged[8] = 'x'.charCodeAt(0);
    const file = dir.join('corrupt.safetensors');
    writeFileSync(file, damaged);
    expect(() => loadCheckpoint(file)).toThrow(`${file} has a corrupt header`);
  });

  it('tensor sizes that disagree with the header are refused', () => {
    const whole = bytes();
    const file = dir.join('extra.safetensors');
    writeFileSync(file, Buffer.concat([whole, Buffer.alloc(4)]));
    expect(() => loadCheckpoint(file)).toThrow(/has 4 unexpected bytes after the tensor data/);
  });

  it('a safetensors file that modelspec did not write is refused as such', () => {
    const file = dir.join('foreign.safetensors');
    const h = header(bytes());
    delete h.__metadata__;
    const json = JSON.stringify(h);
    const padded = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(padded.length));
    const data = bytes().subarray(8 + Number(bytes().readBigUInt64LE(0)));
    writeFileSync(file, Buffer.concat([length, Buffer.from(padded), data]));
    expect(decodeSafetensors(readFileSync(file), { source: file }).metadata).toEqual({});
    expect(() => loadCheckpoint(file)).toThrow(
      /is a safetensors file but not a modelspec checkpoint/,
    );
  });

  it('a missing file or a folder is a CheckpointError that says so', () => {
    expect(() => loadCheckpoint(dir.join('nothing.safetensors'))).toThrow(
      /nothing\.safetensors: no such checkpoint file$/,
    );
    expect(() => loadCheckpoint(dir.path)).toThrow(/is a directory, not a checkpoint file$/);
  });
});

describe('a checkpoint of another spec', () => {
  it('is refused, naming the spec it was written for and every parameter that differs', () => {
    const other = compileFile('specs/iris.yaml');
    const error = (() => {
      try {
        restoreWeights(other, loadCheckpoint(path), path);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error?.message).toBe(
      `${path} does not belong to spec 'iris-mlp' (it was written for spec 'flowers'): missing keys: W1, b1, W2, b2. unexpected keys: layers.0.bias, layers.0.weight, layers.2.bias, layers.2.weight`,
    );
  });

  it('with the same names but other shapes lists each shape', () => {
    const wide = compileFile('specs/moons.yaml');
    expect(() => restoreWeights(wide, loadCheckpoint(path), path)).toThrow(
      "missing keys: layers.4.weight, layers.4.bias. wrong shapes: 'layers.0.bias': expected [16], got [8]; 'layers.0.weight': expected [16, 2], got [8, 2]; 'layers.2.bias': expected [16], got [3]; 'layers.2.weight': expected [16, 16], got [3, 8]",
    );
  });
});
