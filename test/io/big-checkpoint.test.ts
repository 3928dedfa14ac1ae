import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/engine.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { Adam } from '../../src/optim/index.js';
import { compileSpec } from '../../src/runtime/compile.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('big-checkpoint');

const WIDTH = 3200;

/** 3200·3200 + 3200 = 10,243,200 parameters. */
const SPEC = `modelspec: 1
name: wide
inputs:
  x: {shape: [batch, ${WIDTH}]}
  y: {shape: [batch, ${WIDTH}]}
parameters:
  W: {shape: [${WIDTH}, ${WIDTH}], init: zeros}
  b: {shape: [${WIDTH}], init: zeros}
graph:
  out: x @ W + b
loss: mse_loss(out, y)
`;

function headerBytes(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const length = Buffer.alloc(8);
    readSync(fd, length, 0, 8, 0);
    return Number(length.readBigUInt64LE(0));
  } finally {
    closeSync(fd);
  }
}

describe('a checkpoint of a model with more than 10M parameters trained with Adam', () => {
  it('keeps its header under 1 MB and loads back with every state tensor', () => {
    const model = compileSpec(SPEC);
    const parameters = model.parameters().reduce((n, p) => n + p.size, 0);
    expect(parameters).toBeGreaterThan(10_000_000);
    const optimizer = new Adam(model.parameters(), { lr: 0.001 });
    const row = Array.from({ length: WIDTH }, (_, i) => Math.sin(i));
    backward(model.loss({ x: tensor([row]), y: tensor([row.map((v) => -v)]) }));
    optimizer.step();

    const path = dir.join('wide.safetensors');
    saveCheckpoint(path, model, optimizer, { specHash: 'h' });
    // Weights and two moments, 4 bytes each, plus the header.
    expect(statSync(path).size).toBeGreaterThan(3 * 4 * parameters);
    expect(headerBytes(path)).toBeLessThan(1_000_000);

    const { weights, metadata } = loadCheckpoint(path);
    expect(Object.keys(weights).sort()).toEqual(['W', 'b']);
    const state = metadata.optimizer?.state ?? {};
    expect(state[0].step).toBe(1);
    const expAvg = state[0].expAvg as Tensor;
    expect(expAvg.shape).toEqual([WIDTH, WIDTH]);
    const live = optimizer.state.get(model.parameters()[0])?.expAvg as Tensor;
    expect(expAvg.storage[12_345]).toBe(live.storage[12_345]);
    expect(expAvg.storage[12_345]).not.toBe(0);

    const resumed = new Adam(compileSpec(SPEC).parameters(), { lr: 0.5 });
    resumed.loadStateDict(metadata.optimizer as never);
    expect(resumed.paramGroups[0].lr).toBe(0.001);
  });
});
