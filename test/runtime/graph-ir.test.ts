import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ABSENT } from '../../src/compiler/graph.js';
import { compileFile, type Graph, loadGraph, ModelError, type Tensor } from '../../src/index.js';
import { lowerSpecText, readSpec } from '../../src/runtime/compile.js';

// The Graph IR is plain JSON: every example spec's graph survives JSON unchanged, and a Model
// built from that JSON computes what the spec compiles to.

const folder = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const specFiles = [
  ...readdirSync(folder('../../specs/')).map((f) => `${folder('../../specs/')}${f}`),
  ...readdirSync(folder('../specs/parity/')).map((f) => `${folder('../specs/parity/')}${f}`),
].filter((f) => f.endsWith('.yaml'));

const graphOf = (path: string): Graph => lowerSpecText(readSpec(path), { filename: path }).graph;

/** A fixed batch for any input: values from a sine, whole numbers below 2 for int32 inputs. */
function batchFor(graph: Graph, batch = 3): Record<string, Tensor | number[]> {
  const inputs: Record<string, number[]> = {};
  for (const input of graph.inputs) {
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, (_, i) =>
      input.dtype === 'int32' ? i % 2 : Math.sin(i + 1),
    );
    inputs[input.name] = nest(values, shape);
  }
  return inputs;
}

function nest(values: number[], shape: number[]): number[] {
  if (shape.length <= 1) return values;
  const step = values.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) =>
    nest(values.slice(i * step, (i + 1) * step), shape.slice(1)),
  ) as unknown as number[];
}

const flat = (t: Tensor) => Array.from(t.storage);

describe('the Graph IR', () => {
  it('is checked for every example spec', () => {
    expect(specFiles.length).toBeGreaterThanOrEqual(12);
  });

  for (const path of specFiles) {
    const name = path.slice(path.lastIndexOf('/specs/') + 1);

    it(`${name}: round-trips through JSON unchanged`, () => {
      const graph = graphOf(path);
      expect(JSON.parse(JSON.stringify(graph))).toStrictEqual(graph);
    });

    it(`${name}: loadGraph(JSON) computes what compileFile does (same seed)`, () => {
      const compiled = compileFile(path, { seed: 5 }).eval();
      const loaded = loadGraph(JSON.stringify(graphOf(path)), { seed: 5 }).eval();
      const weights = (m: typeof compiled) => Object.values(m.stateDict()).flatMap(flat);
      expect(weights(loaded)).toEqual(weights(compiled));
      const inputs = batchFor(compiled.graph);
      const want = compiled.forward(inputs);
      const got = loaded.forward(inputs);
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const key of Object.keys(want)) expect(flat(got[key]), key).toEqual(flat(want[key]));
      if (compiled.graph.loss)
        expect(loaded.loss(inputs).item()).toBe(compiled.loss(inputs).item());
    });
  }

  it('keeps nodes in topological order, each reading only earlier names (or none: ABSENT)', () => {
    for (const path of specFiles) {
      const graph = graphOf(path);
      const known = new Set([
        ...graph.inputs.map((i) => i.name),
        ...graph.parameters.map((p) => p.name),
        ...graph.buffers.map((b) => b.name),
      ]);
      for (const node of graph.nodes) {
        for (const input of node.inputs) {
          if (input === ABSENT) continue;
          expect(known.has(input), `${node.name} <- ${input}`).toBe(true);
        }
        known.add(node.name);
      }
      for (const output of graph.outputs) expect(known.has(output), output).toBe(true);
    }
  });

  it('loadGraph without a seed uses train.seed, as compileFile does', () => {
    const path = folder('../../specs/iris.yaml');
    const fromGraph = loadGraph(graphOf(path)).stateDict();
    const fromFile = compileFile(path).stateDict();
    expect(Object.values(fromGraph).flatMap(flat)).toEqual(Object.values(fromFile).flatMap(flat));
  });
});

describe('the runtime', () => {
  it("refuses, at load, a hand-edited graph with an op it doesn't know, naming the node", () => {
    const graph = graphOf(folder('../../specs/iris.yaml'));
    const edited: Graph = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.name === 'hidden' ? { ...n, op: 'swish' } : n)),
    };
    expect(() => loadGraph(edited)).toThrow(ModelError);
    expect(() => loadGraph(edited)).toThrow("node 'hidden': the runtime has no op 'swish'");
  });
});
