import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Graph, GraphBuffer } from '../../src/compiler/graph.js';
import {
  AutogradError,
  backward,
  linear,
  loadGraph,
  ModelError,
  noGrad,
  tensor,
} from '../../src/index.js';
import { loadCheckpoint, restoreWeights, saveCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from '../helpers/temp-dir.js';

// Buffers: state that is part of a model but never trained. The Graph IR lists them (name,
// shape, dtype, init, persistent) and the state dict's keys in torch's order; the Model holds
// them (namedBuffers, buffers), puts the persistent ones in stateDict and loads them; the plan
// passes them to ops as operands without gradients; checkpoints store them, integers as I64.

const loc = { file: 'buffers', line: 1, column: 1, length: 0 };

function buffer(name: string, shape: number[], extra: Partial<GraphBuffer> = {}): GraphBuffer {
  return {
    name,
    shape,
    dtype: 'float32',
    init: { kind: 'zeros' },
    persistent: true,
    loc,
    ...extra,
  };
}

/**
 * out = (x @ W + shift) * scale, loss = sum(out): `shift` and `scale` are buffers (scale not
 * persistent, initialised to 2); `count` an int32 buffer no op reads. The state dict lists W,
 * then shift and count, then b: a module's parameters and buffers side by side.
 */
function graph(): Graph {
  return {
    version: 1,
    name: 'buffers',
    inputs: [{ name: 'x', shape: ['batch', 3], dtype: 'float32', loc }],
    parameters: [
      {
        name: 'W',
        shape: [3, 2],
        dtype: 'float32',
        init: { kind: 'uniform', low: -1, high: 1 },
        trainable: true,
        loc,
      },
      { name: 'b', shape: [2], dtype: 'float32', init: { kind: 'zeros' }, trainable: true, loc },
    ],
    buffers: [
      buffer('shift', [2], { init: { kind: 'constant', value: 0.5 } }),
      buffer('count', [], { dtype: 'int32' }),
      buffer('scale', [2], { init: { kind: 'constant', value: 2 }, persistent: false }),
    ],
    state: ['W', 'shift', 'count', 'b'],
    nodes: [
      node('xw', 'matmul', ['x', 'W'], ['batch', 2]),
      node('shifted', 'add', ['xw', 'shift'], ['batch', 2]),
      node('biased', 'add', ['shifted', 'b'], ['batch', 2]),
      node('out', 'mul', ['biased', 'scale'], ['batch', 2]),
      node('loss', 'sum', ['out'], [], { axis: null, keepdim: false }),
    ],
    outputs: ['out'],
    loss: 'loss',
    train: null,
  };
}

function node(
  name: string,
  op: string,
  inputs: string[],
  shape: (number | string)[],
  attrs: Record<string, null | boolean> = {},
) {
  return { name, op, inputs, attrs, shape, dtype: 'float32' as const, loc };
}

const x = () =>
  tensor([
    [1, 2, 3],
    [-1, 0.5, 2],
  ]);

describe('a model with buffers', () => {
  it('holds them in namedBuffers (persistent or not) and initialises them', () => {
    const model = loadGraph(graph());
    expect(model.namedBuffers().map(([name]) => name)).toEqual(['shift', 'count', 'scale']);
    expect(model.buffers().map((b) => b.dtype)).toEqual(['float32', 'int32', 'float32']);
    expect(model.buffers().map((b) => b.toArray())).toEqual([[0.5, 0.5], 0, [2, 2]]);
    expect(model.buffers().every((b) => !b.requiresGrad)).toBe(true);
    expect(model.parameters().length).toBe(2);
  });

  it("lists parameters and persistent buffers in the state dict, in the graph's order", () => {
    const model = loadGraph(graph());
    const state = model.stateDict();
    expect(Object.keys(state)).toEqual(['W', 'shift', 'count', 'b']);
    expect(state.count.dtype).toBe('int32');
    // Detached views of the model's own storage, as torch's state_dict().
    expect(state.shift.storage).toBe(model.namedBuffers()[0][1].storage);
  });

  it('loads persistent buffers, and refuses what an int32 buffer cannot hold', () => {
    const model = loadGraph(graph());
    const state = { ...model.stateDict(), shift: tensor([1, -1]), count: tensor(7) };
    model.loadStateDict(state);
    expect(model.namedBuffers()[0][1].toArray()).toEqual([1, -1]);
    expect(model.namedBuffers()[1][1].toArray()).toBe(7);
    expect(model.namedBuffers()[1][1].dtype).toBe('int32');
    expect(() => model.loadStateDict({ ...state, count: tensor(1.5) })).toThrow(
      "wrong values: 'count' is int32 and cannot hold 1.5",
    );
    expect(() => model.loadStateDict({ ...state, scale: tensor([1, 1]) })).toThrow(
      'unexpected keys: scale',
    );
    const { shift: _, ...withoutShift } = state;
    expect(() => model.loadStateDict(withoutShift)).toThrow('missing keys: shift');
    expect(() => model.loadStateDict({ ...state, shift: tensor([1, 2, 3]) })).toThrow(
      "wrong shapes: 'shift': expected [2], got [3]",
    );
  });

  it('reads them as operands, with the same numbers in the plan and the interpreter', () => {
    const results = [true, false].map((plan) => {
      const model = loadGraph(graph(), { plan, seed: 4 });
      const out = noGrad(() => model.forward({ x: x() }).out);
      const loss = model.loss({ x: x() });
      expect(loss.gradFn?.name).toBe(plan ? 'CompiledGraphBackward' : 'SumBackward');
      backward(loss);
      return { out: out.toArray(), grads: model.parameters().map((p) => p.grad?.toArray()) };
    });
    expect(results[0]).toEqual(results[1]);
    const model = loadGraph(graph(), { seed: 4 });
    const [W] = model.parameters();
    const want = noGrad(() => x().matmul(W).add(0.5).mul(2));
    expect(results[0].out).toEqual(want.toArray());
  });

  it('reports a buffer changed in place before a superseded forward is re-run', () => {
    const model = loadGraph(graph());
    const first = model.loss({ x: x() });
    model.loss({ x: x().mul(2) });
    const [[, shift]] = model.namedBuffers();
    noGrad(() => shift.copy_(tensor([3, 3])));
    let error: unknown;
    try {
      backward(first);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AutogradError);
    expect((error as Error).message).toMatch(/modified by an in-place operation/);
  });

  it('summarises them in a table of their own', () => {
    const summary = loadGraph(graph()).summary();
    expect(summary).toMatch(/Buffer\s+Shape\s+Dtype\s+Init\s+In state dict/);
    expect(summary).toMatch(/scale\s+\[2\]\s+float32\s+constant\(value=2\)\s+no/);
  });

  it('loads a graph written before buffers existed: parameters are the state', () => {
    const old = graph() as Partial<Graph>;
    delete old.buffers;
    delete old.state;
    old.nodes = [node('out', 'matmul', ['x', 'W'], ['batch', 2])];
    old.loss = null;
    const model = loadGraph(old as Graph);
    expect(model.buffers()).toEqual([]);
    expect(Object.keys(model.stateDict())).toEqual(['W', 'b']);
  });

  it('refuses a graph whose state does not list each parameter and persistent buffer once', () => {
    const listedTwice = { ...graph(), state: ['W', 'shift', 'count', 'b', 'W'] };
    expect(() => loadGraph(listedTwice)).toThrow(ModelError);
    expect(() => loadGraph(listedTwice)).toThrow("state key 'W' is listed twice");
    const notPersistent = { ...graph(), state: ['W', 'shift', 'count', 'b', 'scale'] };
    expect(() => loadGraph(notPersistent)).toThrow(
      "state key 'scale' is no parameter or persistent buffer",
    );
    const missing = { ...graph(), state: ['W', 'b'] };
    expect(() => loadGraph(missing)).toThrow("the state lists no key for 'shift', 'count'");
  });
});

describe('checkpoints with buffers', () => {
  const dir = tempDir('buffers');

  it('store persistent buffers, int32 ones as I64 (as torch writes int64), and load them back', () => {
    const model = loadGraph(graph(), { seed: 2 });
    model.loadStateDict({ ...model.stateDict(), shift: tensor([0.25, -4]), count: tensor(-3) });
    const path = dir.join('buffers.safetensors');
    saveCheckpoint(path, model);
    const bytes = readFileSync(path);
    const length = Number(Buffer.from(bytes).readBigUInt64LE(0));
    const head = JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8'));
    expect(head.count).toEqual({ dtype: 'I64', shape: [], data_offsets: [0, 8] });
    expect(head.shift).toMatchObject({ dtype: 'F32', shape: [2] });
    expect(head.scale).toBeUndefined();
    // -3 as a little-endian int64: the bytes torch writes.
    expect([...bytes.subarray(8 + length, 8 + length + 8)]).toEqual([
      0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);

    const restored = loadGraph(graph(), { seed: 9 });
    restoreWeights(restored, loadCheckpoint(path), path);
    const state = restored.stateDict();
    expect(state.count.dtype).toBe('int32');
    expect(state.count.item()).toBe(-3);
    expect(state.shift.toArray()).toEqual([0.25, -4]);
    expect(state.W.toArray()).toEqual(model.stateDict().W.toArray());
  });
});

describe('the Tensor API', () => {
  it('takes null for an optional operand', () => {
    const w = tensor([[1, 2, 3]]);
    expect(linear(x(), w, null).toArray()).toEqual(linear(x(), w).toArray());
  });
});
