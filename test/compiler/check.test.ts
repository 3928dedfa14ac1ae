import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/compiler/check.js';
import { parseSpecDocument } from '../../src/spec/parse.js';
import { errorsOf, HEADER, lowerYaml, onlyError } from './lower-helper.js';

const XY = `inputs:
  x: {shape: [batch, 4]}
  y: {shape: [batch], dtype: int32}
`;

describe('checkSpec', () => {
  it('is the diagnostics of lowering, and empty for a good spec', () => {
    const text = `${HEADER}${XY}graph:\n  p: softmax(x)\n`;
    const { located } = parseSpecDocument(text, { filename: 'ok.yaml' });
    expect(checkSpec(located!)).toEqual([]);
  });

  it('reports an unknown name at its token, with the known names and a suggestion', () => {
    const e = onlyError(`${XY}parameters:
  W1: {shape: [4, 3]}
graph:
  logits: x @ W2
`);
    expect(e).toMatchObject({
      code: 'MS202',
      line: 9,
      column: 15,
      length: 2,
      path: '/graph/logits',
    });
    expect(e.message).toBe(
      "unknown name 'W2' in expression; did you mean 'W1'? (known: x, y, W1, logits)",
    );
  });

  it('hints that an op needs calling', () => {
    expect(onlyError(`${XY}graph:\n  h: x + relu\n`).message).toMatch(
      /'relu' is an op: call it as relu\(\.\.\.\)/,
    );
  });

  it('reports duplicate names across sections at the later one', () => {
    const e = onlyError(`${XY}parameters:
  x: {shape: [4]}
graph:
  h: x * 2
`);
    expect(e).toMatchObject({ code: 'MS203', line: 7, column: 6 });
    expect(e.message).toBe(
      "name 'x' is already an input; names are unique across inputs, parameters, modules, graph and layers.to",
    );
  });

  it('names the loop of a cycle once and does not pile errors on what depends on it', () => {
    const { diagnostics } = lowerYaml(`${XY}graph:
  a: b + 1
  b: relu(a)
  c: a * 2
  d: d
`);
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['MS204', 7, 6, 'cycle in graph: a -> b -> a'],
      ['MS204', 10, 6, 'cycle in graph: d -> d'],
    ]);
  });

  it('reports unknown ops with a suggestion and still checks their arguments', () => {
    expect(errorsOf(`${XY}graph:\n  h: sofmax(x + q)\n`)).toEqual(['MS205 7:6', 'MS202 7:17']);
    expect(onlyError(`${XY}graph:\n  h: sofmax(x)\n`).message).toBe(
      "unknown op 'sofmax'; did you mean 'softmax'?",
    );
  });

  it.each([
    [
      'relu(x, y)',
      'MS206 7:14',
      'relu takes at most 1 tensor operand and 0 attributes; this argument is one too many',
    ],
    ['matmul(x)', 'MS206 7:6', 'matmul takes 2 tensor operands (input, other), got 1'],
    ['linear(x)', 'MS206 7:6', 'linear takes 2 to 3 tensor operands (input, weight, bias), got 1'],
    [
      'softmax(x, dim=1)',
      'MS207 7:17',
      "softmax has no attribute 'dim'; did you mean 'axis'? (known: axis)",
    ],
    ['sum(x, axis=1, axis=0)', 'MS208 7:21', "sum: attribute 'axis' is given more than once"],
    ['sum(x, 1, axis=0)', 'MS208 7:16', "sum: attribute 'axis' is given more than once"],
    ['sum(x, axis=1.5)', 'MS209 7:18', 'sum: axis must be an integer, got 1.5'],
    ['sum(x, keepdim=1)', 'MS209 7:21', 'sum: keepdim must be true or false, got 1'],
    ['sum(x, axis=y)', 'MS209 7:18', "sum: axis: must be a number, got 'y'"],
    ['dropout(x, p=2)', 'MS209 7:19', 'dropout: p must be between 0 and 1, got 2'],
    ['reshape(x)', 'MS210 7:6', "reshape needs the attribute 'shape'"],
    ['relu([x, x])', 'MS211 7:11', 'expected a tensor here, got a list (only concat takes a list)'],
    ['x + true', 'MS211 7:10', "expected a tensor here, got 'true'"],
    [
      'concat(x, axis=0)',
      'MS211 7:13',
      'concat takes a non-empty list of tensors as its first operand, e.g. concat([a, b], axis=1)',
    ],
    ['relu(x @ x', 'MS201 7:16', "expected ',' or ')', found end of expression"],
    [
      'x.T',
      'MS303 7:6',
      '.T needs a 2-D tensor, got [batch]; use transpose(x, axis0=, axis1=) for other ranks',
    ],
  ])('%s', (expression, where, message) => {
    const body = `${XY}graph:\n  h: ${expression.replace(/x/g, expression.startsWith('x.T') ? 'y' : 'x')}\n`;
    const e = onlyError(body);
    expect(`${e.code} ${e.line}:${e.column}`).toBe(where);
    expect(e.message).toBe(message);
  });

  it('places a shape error on the sub-expression that caused it', () => {
    const e = onlyError(`${XY}parameters:
  W1: {shape: [4, 16]}
  W2: {shape: [4, 3]}
graph:
  hidden: relu(x @ W1)
  logits: hidden @ W2 + 1
`);
    expect(e).toMatchObject({ code: 'MS302', line: 11, column: 11, length: 'hidden @ W2'.length });
    expect(e.message).toBe(
      'matmul shapes do not fit: [batch, 16] @ [4, 3] (inner dims 16 and 4 differ)',
    );
  });

  it('places an operand dtype error on that operand', () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, 4]}
  y: {shape: [batch]}
loss: cross_entropy(x, y)
`);
    expect(e).toMatchObject({ code: 'MS306', line: 6, column: 24, length: 1 });
  });

  it('reports symbolic dims that cannot be proven equal', () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, 4]}
  y: {shape: [n], dtype: int32}
loss: cross_entropy(x, y)
`);
    expect(e.code).toBe('MS310');
    expect(e.message).toContain('batch vs n cannot be proven equal');
  });

  it('wants a float32 scalar loss', () => {
    const e = onlyError(`${XY}loss: x * 2\n`);
    expect(e).toMatchObject({ code: 'MS307', line: 6, column: 7, length: 5 });
    expect(e.message).toBe(
      'the loss must be a scalar (shape []), got [batch, 4]; reduce it, e.g. mean(...)',
    );
    expect(onlyError(`${XY}loss: sum(y)\n`).code).toBe('MS306');
  });

  it('checks outputs', () => {
    expect(errorsOf(`${XY}graph:\n  h: relu(x)\noutputs: [h, hh, x]\n`)).toEqual([
      'MS212 8:14',
      'MS212 8:18',
    ]);
    const { diagnostics } = lowerYaml(`${XY}graph:\n  h: relu(x)\noutputs: [hh]\n`);
    expect(diagnostics[0].message).toBe(
      "output 'hh' is not a graph node; did you mean 'h'? (graph nodes: h)",
    );
  });

  it('warns about parameters nothing uses', () => {
    const { graph, diagnostics } = lowerYaml(`${XY}parameters:
  W: {shape: [4, 3]}
  V: {shape: [3]}
graph:
  h: x @ W
  spare: V * 2
outputs: [h]
`);
    expect(graph).not.toBeNull();
    expect(diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ['MS213', 'warning', "parameter 'V' is not used by any output or the loss"],
    ]);
    expect(graph?.parameters.map((p) => p.name)).toEqual(['W', 'V']);
  });

  it('refuses tensors beyond the element limit', () => {
    expect(
      errorsOf(`inputs:
  x: {shape: [batch, 65536, 65536]}
parameters:
  W: {shape: [65536, 32768]}
  V: {shape: [65536, 32767]}
graph:
  h: sum(x) + sum(W) + sum(V)
`),
    ).toEqual(['MS309 4:14', 'MS309 6:14']);
  });

  it('reports an init that needs a fan it cannot get', () => {
    const e = onlyError(
      `${XY}parameters:\n  b: {shape: [4], init: kaiming_uniform}\ngraph:\n  h: x + b\n`,
    );
    expect(e).toMatchObject({ code: 'MS215', line: 7, column: 25 });
    expect(e.message).toMatch(
      /^parameter 'b': init kaiming_uniform needs fan_in, which cannot be computed/,
    );
  });

  it('reports every independent mistake of a file in one run', () => {
    expect(
      errorsOf(`${XY}parameters:
  W: {shape: [5, 3]}
graph:
  a: x @ W
  b: relu(x, axis=1)
  c: softmax(q)
  d: e
  e: d
loss: mean(a)
`),
    ).toEqual(['MS204 12:6', 'MS302 9:6', 'MS207 10:14', 'MS202 11:14']);
  });
});

describe('locations inside quoted and block scalars', () => {
  it('maps an expression offset to the file column through quotes', () => {
    const e = onlyError(`${XY}graph:\n  h: "relu(x) @ W"\n`);
    expect(e).toMatchObject({ code: 'MS202', line: 7, column: 17 });
  });

  it('maps an expression offset into a folded block scalar', () => {
    const e = onlyError(`${XY}graph:\n  h: >-\n    relu(x)\n    + q\n`);
    expect(e).toMatchObject({ code: 'MS202', line: 9, column: 7 });
  });
});

describe('tensor operands passed by keyword', () => {
  it('says to pass them by position, once', () => {
    const e = onlyError(
      `${XY}parameters:\n  W: {shape: [3, 4]}\ngraph:\n  h: linear(x, weight=W)\n`,
    );
    expect(e.code).toBe('MS207');
    expect(e.message).toBe(
      "'weight' is a tensor operand of linear; pass it by position: linear(input, weight, bias)",
    );
  });
});

describe('numbers the IR could not carry as JSON', () => {
  it('refuses infinite constants and attributes', () => {
    expect(errorsOf(`${XY}graph:\n  a: x * 1e999\n  b: clamp(x, max=1e999)\n`)).toEqual([
      'MS209 7:10',
      'MS209 8:19',
    ]);
    expect(onlyError(`${XY}graph:\n  a: x * 1e999\n`).message).toBe(
      'a constant must be a finite number, got Infinity',
    );
  });
});
