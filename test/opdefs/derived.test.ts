import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles, ROOT } from '../../scripts/generate/index.js';
import type { OpCase } from '../../scripts/generate/op-cases.js';
import { ABSENT, type Graph } from '../../src/compiler/graph.js';
import { backward, loadGraph, noGrad, type Tensor, tensor, ValueError } from '../../src/index.js';
import { SPEC_OPS } from '../../src/opdefs/index.js';
import { ShapeIssue } from '../../src/opdefs/shape-issue.js';
import { callOp, camelCase } from '../../src/ops/call.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { CASES, defOf, operand, options, run } from './helpers.js';

// The per-op tests every op definition gets from its examples, beyond torch parity
// (torch-parity.test.ts): finite differences, plan = interpreter, one shape rule for symbolic
// and concrete dims, and no argument dropped silently.

describe('generated files', () => {
  for (const { path, content } of generatedFiles()) {
    it(`${path} is fresh (else run npm run generate)`, () => {
      expect(readFileSync(join(ROOT, path), 'utf8') === content).toBe(true);
    });
  }
});

describe('every op', () => {
  it('has examples', () => {
    expect(SPEC_OPS.filter((d) => d.examples.length === 0).map((d) => d.name)).toEqual([]);
  });
});

describe('gradients by float64 finite differences', () => {
  const checked = CASES.filter((c) => defOf(c).backward && c.operands.some((o) => o.grad));
  it('apply to every case with a gradient, but those whose gradient is not the derivative', () => {
    const exempt = checked.filter((c) => c.notDerivative);
    expect(exempt.every((c) => (c.notDerivative ?? '').length > 10)).toBe(true);
    expect(exempt.length).toBeLessThan(checked.length / 20);
  });
  for (const c of checked.filter((c) => !c.notDerivative)) {
    it(`${c.op}: ${c.name}`, () => {
      const operands = c.operands.map((o) => operand(o, 'float64'));
      const checked = operands.filter((_, k) => c.operands[k].grad === true) as Tensor[];
      gradcheck((...xs) => {
        let next = 0;
        return run(
          c,
          operands.map((o, k) => (c.operands[k].grad ? xs[next++] : o)),
        );
      }, checked);
    });
  }
});

/**
 * A graph of one case's op: checked operands become parameters (the plan computes parameter
 * gradients), operands the op updates in place buffers, the others inputs, numbers constants;
 * the loss is sum(out · w).
 */
function caseGraph(c: OpCase): {
  graph: Graph;
  inputs: Record<string, Tensor>;
  params: Record<string, Tensor>;
} {
  const def = defOf(c);
  const loc = { file: 'case', line: 1, column: 1, length: 0 };
  const graph: Graph = {
    version: 1,
    name: 'case',
    inputs: [],
    parameters: [],
    buffers: [],
    state: [],
    nodes: [],
    outputs: ['out'],
    loss: null,
    train: null,
  };
  const inputs: Record<string, Tensor> = {};
  const params: Record<string, Tensor> = {};
  const names = c.operands.map((o, k) => {
    const name = `operand${k}`;
    if (o.absent) return ABSENT;
    if (o.number !== undefined) {
      graph.nodes.push({
        name,
        op: 'constant',
        inputs: [],
        attrs: { value: o.number },
        shape: [],
        dtype: 'float32',
        loc,
      });
      return name;
    }
    const value = operand(o, 'float32', false) as Tensor;
    if (o.grad) {
      graph.parameters.push({
        name,
        shape: [...value.shape],
        dtype: 'float32',
        init: { kind: 'zeros' },
        trainable: true,
        loc,
      });
      graph.state.push(name);
      params[name] = value;
    } else if (def.writes?.operands.includes(k)) {
      const dtype = value.dtype === 'int32' ? 'int32' : 'float32';
      graph.buffers.push({
        name,
        shape: [...value.shape],
        dtype,
        init: { kind: 'zeros' },
        persistent: true,
        loc,
      });
      graph.state.push(name);
      params[name] = value;
    } else {
      graph.inputs.push({
        name,
        shape: [...value.shape],
        dtype: value.dtype === 'int32' ? 'int32' : 'float32',
        loc,
      });
      inputs[name] = value;
    }
    return name;
  });
  const outDtype = def.infer(
    c.operands.map((o) =>
      o.absent
        ? (undefined as never)
        : { shape: o.shape ?? [], dtype: o.dtype === 'int32' ? 'int32' : 'float32' },
    ),
    c.attrs,
    'run',
  ).dtype as 'float32' | 'int32';
  graph.nodes.push({
    name: 'out',
    op: c.op,
    inputs: names,
    attrs: c.attrs,
    shape: c.outShape,
    dtype: outDtype,
    loc,
  });
  if (def.backward && graph.parameters.length > 0 && outDtype === 'float32') {
    graph.inputs.push({ name: 'w', shape: c.outShape, dtype: 'float32', loc });
    inputs.w = tensor(Float32Array.from(c.w), { shape: c.outShape });
    graph.nodes.push({
      name: 'weighted',
      op: 'mul',
      inputs: ['out', 'w'],
      attrs: {},
      shape: c.outShape,
      dtype: 'float32',
      loc,
    });
    graph.nodes.push({
      name: 'loss',
      op: 'sum',
      inputs: ['weighted'],
      attrs: { axis: null, keepdim: false },
      shape: [],
      dtype: 'float32',
      loc,
    });
    graph.loss = 'loss';
  }
  return { graph, inputs, params };
}

describe('the execution plan gives the interpreter\u2019s bits', () => {
  for (const c of CASES.filter((c) => defOf(c).family !== 'graph')) {
    it(`${c.op}: ${c.name}`, () => {
      const { graph, inputs, params } = caseGraph(c);
      const results = [true, false].map((plan) => {
        const model = loadGraph(graph, { plan, seed: 3 });
        if (!c.training) model.eval();
        model.loadStateDict(params);
        const out = noGrad(() => model.forward(inputs).out);
        if (graph.loss === null) {
          return { out, grads: [], buffers: model.buffers().map((b) => Array.from(b.storage)) };
        }
        const loss = model.loss(inputs);
        expect(loss.gradFn?.name).toBe(plan ? 'CompiledGraphBackward' : 'SumBackward');
        backward(loss);
        return {
          out,
          loss: loss.item(),
          grads: model.parameters().map((p) => Array.from(p.grad!.storage)),
          buffers: model.buffers().map((b) => Array.from(b.storage)),
        };
      });
      expect(Array.from(results[0].out.storage)).toEqual(Array.from(results[1].out.storage));
      expect(results[0].grads).toEqual(results[1].grads);
      expect(results[0].buffers).toEqual(results[1].buffers);
    });
  }
});

/** The value of a dim the compiler derived from symbols (`2*n`, `(n+3)`), for n. */
function evaluateDim(dim: number | string, n: number): number {
  if (typeof dim === 'number') return dim;
  const expr = dim.replace(/\bn\b/g, String(n));
  if (!/^[0-9+\-*/() ]+$/.test(expr)) throw new Error(`cannot evaluate the derived dim ${dim}`);
  return Function(`return (${expr.replace(/\/\//g, '/')});`)() as number;
}

describe('one shape rule: symbolic dims agree with concrete ones', () => {
  // Each case again with its leading size made a symbol `n` wherever operands start with it.
  // A rule may refuse what it cannot prove for every n (a fixed reshape target); what it
  // accepts must agree with the concrete result.
  const outcomes = CASES.filter((c) => (c.operands[0]?.shape?.length ?? 0) > 0).map((c) => {
    const def = defOf(c);
    const n = c.operands[0].shape![0];
    // An absent operand stays undefined, as the rule receives it.
    const infos = c.operands.map((o) =>
      o.absent
        ? (undefined as never)
        : {
            shape: [...(o.shape ?? [])] as (number | string)[],
            dtype: o.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
          },
    );
    const concrete = def.infer(infos, c.attrs, 'compile');
    try {
      const symbolic = def.infer(
        infos.map(
          (info) =>
            info && {
              ...info,
              shape: info.shape.map((d, k) => (k === 0 && d === n ? 'n' : d)),
            },
        ),
        c.attrs,
        'compile',
      );
      return { c, n, concrete, symbolic };
    } catch (error) {
      if (!(error instanceof ShapeIssue)) throw error;
      return { c, n, concrete, symbolic: null };
    }
  });
  for (const { c, n, concrete, symbolic } of outcomes.filter((o) => o.symbolic !== null)) {
    it(`${c.op}: ${c.name}`, () => {
      expect(symbolic!.dtype).toBe(concrete.dtype);
      expect(symbolic!.shape.map((d) => evaluateDim(d, n))).toEqual(concrete.shape);
    });
  }
  it('accept most cases symbolically', () => {
    const refused = outcomes.filter((o) => o.symbolic === null).length;
    expect(refused / outcomes.length).toBeLessThan(0.1);
  });
});

describe('no argument is dropped silently', () => {
  for (const def of SPEC_OPS) {
    const c = CASES.find((k) => k.op === def.name)!;
    const operands = () => c.operands.map((o) => operand(o, 'float32', false));
    const args = () => (def.listOperand ? [operands()] : operands());
    it(`${def.name}: an unknown option is refused, with a did-you-mean`, () => {
      expect(() => callOp(def, [...args(), { ...options(c), bogus: 1 }])).toThrow(ValueError);
      expect(() => callOp(def, [...args(), { ...options(c), bogus: 1 }])).toThrow(
        /unknown option 'bogus'/,
      );
      const snake = def.attrs.find((a) => a.name.includes('_'));
      if (snake) {
        expect(() => callOp(def, [...args(), { [snake.name]: snake.default }])).toThrow(
          `did you mean '${camelCase(snake.name)}'?`,
        );
      }
    });
    it(`${def.name}: a surplus positional argument is refused`, () => {
      const surplus = [
        ...args(),
        ...def.attrs.slice(0, def.positional).map((a) => c.attrs[a.name] ?? a.default),
        7,
      ];
      expect(() => callOp(def, surplus)).toThrow(/would be ignored|takes \d+ tensor operand/);
    });
  }
});

describe("torch's positional forms", () => {
  const x = () =>
    tensor([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    ]);
  it('transpose(0, 2), flatten(1, 2), sum(1, true), softmax(1), reshape(3, 4)', () => {
    expect(x().transpose(0, 2).shape).toEqual([2, 3, 2]);
    expect(x().transpose(0, 2).toArray()).toEqual(x().transpose({ axis0: 0, axis1: 2 }).toArray());
    expect(x().flatten(1, 2).shape).toEqual([2, 6]);
    expect(x().flatten(0, 1).shape).toEqual([6, 2]);
    expect(x().sum(1, true).shape).toEqual([2, 1, 2]);
    expect(x().sum(1, true).toArray()).toEqual([[[9, 12]], [[27, 30]]]);
    expect(x().softmax(1).toArray()).toEqual(x().softmax({ axis: 1 }).toArray());
    expect(x().reshape(3, 4).shape).toEqual([3, 4]);
    expect(x().reshape([4, 3]).shape).toEqual([4, 3]);
  });
  it('refuses an attribute given twice or of the wrong type', () => {
    expect(() => x().sum(1, { axis: 1 } as never)).toThrow(
      'sum: axis is given twice (by position and by name)',
    );
    expect(() => x().transpose('0' as never, 2)).toThrow(/axis0 must be an integer, got '0'/);
    expect(() => x().sum(1.5)).toThrow(/axis must be an integer, got 1.5/);
  });
});

describe('shape rules at run time', () => {
  it('throw what the compiler reports, as a ShapeError', () => {
    expect(() => callOp(defOf(CASES[0]), [tensor([1, 2, 3]), tensor([1, 2])])).toThrow(
      'add shapes do not broadcast: [3] and [2] (axis -1: 3 vs 2)',
    );
  });
  it('are ShapeIssues inside the definitions', () => {
    expect(() =>
      defOf(CASES[0]).infer(
        [
          { shape: [3], dtype: 'float32' },
          { shape: [2], dtype: 'float32' },
        ],
        {},
        'run',
      ),
    ).toThrow(ShapeIssue);
  });
});
