import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFile, type Graph, loadGraph, type Tensor } from '../../src/index.js';
import { lowerSpecText, readSpec } from '../../src/runtime/compile.js';
import { runCli } from '../helpers/cli-run.js';

const folder = mkdtempSync(join(tmpdir(), 'modelspec-compile-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

const run = (args: string[]) => runCli(args);

const flat = (t: Tensor) => Array.from(t.storage);

describe('modelspec compile -o graph.json', () => {
  for (const spec of ['specs/iris.yaml', 'specs/digits.yaml', 'test/specs/parity/mixed.yaml']) {
    it(`${spec}: writes the Graph, which loadGraph runs as compileFile does`, async () => {
      const out = join(folder, `${spec.replaceAll('/', '_')}.json`);
      const result = await run(['compile', repoFile(spec), '-o', out]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      const text = readFileSync(out, 'utf8');
      const graph = JSON.parse(text) as Graph;
      expect(result.stderr).toBe(
        `wrote ${out} (${graph.nodes.length} nodes, ${graph.parameters.length} parameters)\n`,
      );
      expect(graph).toStrictEqual(
        lowerSpecText(readSpec(repoFile(spec)), { filename: repoFile(spec) }).graph,
      );

      const compiled = compileFile(repoFile(spec), { seed: 9 }).eval();
      const loaded = loadGraph(text, { seed: 9 }).eval();
      const features = graph.inputs[0].shape[1] as number;
      const x = [
        Array.from({ length: features }, (_, i) => Math.cos(i)),
        Array.from({ length: features }, (_, i) => Math.sin(i)),
      ];
      const want = compiled.forward({ x });
      const got = loaded.forward({ x });
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const key of Object.keys(want)) expect(flat(got[key])).toEqual(flat(want[key]));
    });
  }

  it('exits 1 with a located error for a broken spec and writes nothing', async () => {
    const bad = join(folder, 'bad.yaml');
    writeFileSync(
      bad,
      'modelspec: 1\nname: bad\ninputs:\n  x: {shape: [batch, 2]}\ngraph:\n  y: x @ W\n',
    );
    const out = join(folder, 'bad.json');
    const result = await run(['compile', bad, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${bad}:6:`);
    expect(result.stderr).toContain("unknown name 'W'");
    expect(() => readFileSync(out)).toThrow();
  });

  it('exits 1 for a missing file', async () => {
    const result = await run(['compile', join(folder, 'nope.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no such file');
  });

  it('exits 2 without a spec', async () => {
    expect((await run(['compile'])).code).toBe(2);
  });
});

describe('modelspec compile (listing)', () => {
  it('names every input, parameter and node, with op, shape and source line', async () => {
    const spec = repoFile('test/specs/parity/attention.yaml');
    const result = await run(['compile', spec]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    const graph = lowerSpecText(readSpec(spec), { filename: spec }).graph;
    expect(lines[0]).toBe('graph parity-attention (IR version 1)');
    for (const input of graph.inputs) {
      expect(lines).toContain(`  ${input.name}: ${input.dtype} [${input.shape.join(', ')}]`);
    }
    for (const p of graph.parameters) {
      expect(
        lines.some((l) => l.startsWith(`  ${p.name}: float32 [${p.shape.join(', ')}]  init `)),
      ).toBe(true);
    }
    for (const node of graph.nodes) {
      const line = lines.find((l) => l.startsWith(`  ${node.name} = `));
      expect(line, node.name).toBeDefined();
      expect(line).toContain(`: ${node.dtype} [${node.shape.join(', ')}]`);
      expect(line).toContain(`# ${spec}:${node.loc.line}:${node.loc.column}`);
    }
    expect(lines).toContain(
      `  scores = softmax(scores/div_1, axis=-1)  : float32 [batch, 4, 4]  # ${spec}:18:11`,
    );
    expect(lines).toContain(
      `  mixed = matmul(scores, x)  : float32 [batch, 4, 3]  # ${spec}:19:10`,
    );
    expect(lines).toContain('outputs: logits, scores');
    expect(lines).toContain('loss: loss');
  });

  it('marks frozen parameters and shows resolved init arguments', async () => {
    const spec = repoFile('test/specs/parity/frozen.yaml');
    const { stdout } = await run(['compile', relative(process.cwd(), spec)]);
    expect(stdout).toContain('  E: float32 [4, 6]  init normal(mean=0, std=0.5)  frozen\n');
    expect(stdout).toContain(
      '  W: float32 [6, 3]  init kaiming_uniform(a=0, mode=fan_in, nonlinearity=leaky_relu, fanIn=6, fanOut=3)\n',
    );
  });

  it('says (none) for a spec without a loss', async () => {
    const spec = join(folder, 'noloss.yaml');
    writeFileSync(
      spec,
      'modelspec: 1\nname: noloss\ninputs:\n  x: {shape: [batch, 2]}\ngraph:\n  y: relu(x)\n',
    );
    const { stdout } = await run(['compile', spec]);
    expect(stdout).toContain('  y = relu(x)  : float32 [batch, 2]');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('loss: (none)');
  });
});
