import { describe, expect, it } from 'vitest';
import { errorsOf, lowerYaml } from './lower-helper.js';

const X = 'inputs:\n  x: {shape: [batch, 4]}\n';

function cycles(body: string): string[] {
  return lowerYaml(body)
    .diagnostics.filter((d) => d.code === 'MS204')
    .map((d) => d.message.replace('cycle in graph: ', ''));
}

describe('cycles', () => {
  it('names a three-node loop starting where the search entered it', () => {
    expect(cycles(`${X}graph:\n  a: b + x\n  b: c * 2\n  c: relu(a)\n`)).toEqual([
      'a -> b -> c -> a',
    ]);
  });

  it('reports separate loops separately, each once', () => {
    expect(cycles(`${X}graph:\n  a: b\n  b: a\n  c: d + x\n  d: c\n  e: e\n`)).toEqual([
      'a -> b -> a',
      'c -> d -> c',
      'e -> e',
    ]);
  });

  it('finds loops through a layers stack', () => {
    expect(
      cycles(`${X}graph:\n  h: logits * 2 + x\nlayers: {from: h, to: logits, stack: [relu]}\n`),
    ).toEqual(['h -> logits -> h']);
  });

  it('points at the reference that closes the loop and leaves dependents alone', () => {
    // line 6 is `  a: x + b` (2 header lines, 2 input lines, `graph:`), b at column 10
    expect(errorsOf(`${X}graph:\n  a: x + b\n  b: a * 2\n  c: softmax(a)\n  d: c + b\n`)).toEqual([
      'MS204 6:10',
    ]);
  });

  it('does not call a diamond a cycle', () => {
    const { graph } = lowerYaml(`${X}graph:\n  a: relu(x)\n  b: a * 2\n  c: a + 1\n  d: b + c\n`);
    expect(graph?.nodes.map((n) => n.name).filter((n) => !n.includes('/'))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('orders entries by dependency whatever the spec order', () => {
    const { graph } = lowerYaml(`${X}graph:\n  out: softmax(mid)\n  mid: relu(x) * 2\n`);
    expect(graph?.nodes.map((n) => n.name)).toEqual(['mid/relu_1', 'mid/const_1', 'mid', 'out']);
  });
});

describe('long chains', () => {
  it('orders and checks 4000 chained entries without overflowing the stack', () => {
    const lines = Array.from({ length: 4_000 }, (_, i) => `  a${i + 1}: a${i} + 1`);
    const { graph } = lowerYaml(
      `inputs:\n  a0: {shape: [2]}\ngraph:\n${lines.reverse().join('\n')}\n`,
    );
    expect(graph?.outputs).toEqual(['a4000']);
    expect(graph?.nodes.at(-1)?.shape).toEqual([2]);
  });

  it('finds a cycle closing a long chain', () => {
    const lines = Array.from({ length: 4_000 }, (_, i) => `  a${i}: a${(i + 1) % 4_000} * 2`);
    expect(cycles(`graph:\n${lines.join('\n')}\ninputs:\n  x: {shape: [1]}\n`)[0]).toMatch(
      /^a0 -> a1 -> .* -> a3999 -> a0$/,
    );
  });
});
