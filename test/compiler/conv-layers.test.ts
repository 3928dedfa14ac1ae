import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../src/index.js';
import { errorsOf, graphOf, HEADER, lowerYaml, onlyError } from './lower-helper.js';

// Convolution and pooling as layers: stack entries with torch's module arguments and default
// init, in-channels from the input's shape; located errors for shapes that do not fit.

const MNIST_STACK = `inputs:
  x: {shape: [batch, 1, 28, 28]}
  y: {shape: [batch], dtype: int32}
layers:
  from: x
  to: logp
  stack:
    - conv2d: {out: 32, kernel: 3}
    - relu
    - conv2d: {out: 64, kernel: 3}
    - relu
    - max_pool2d: 2
    - dropout: 0.25
    - flatten
    - linear: 128
    - relu
    - dropout: 0.5
    - linear: 10
    - log_softmax: {axis: 1}
loss: nll_loss(logp, y)
`;

describe('conv and pool layers', () => {
  it("infer in-channels from the input and name parameters as nn.Sequential's", () => {
    const g = graphOf(MNIST_STACK);
    expect(g.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['layers.0.weight', [32, 1, 3, 3]],
      ['layers.0.bias', [32]],
      ['layers.2.weight', [64, 32, 3, 3]],
      ['layers.2.bias', [64]],
      ['layers.7.weight', [128, 9216]],
      ['layers.7.bias', [128]],
      ['layers.10.weight', [10, 128]],
      ['layers.10.bias', [10]],
    ]);
    const shapes = Object.fromEntries(g.nodes.map((n) => [n.name, n.shape]));
    expect(shapes['layers.0']).toEqual(['batch', 32, 26, 26]);
    expect(shapes['layers.2']).toEqual(['batch', 64, 24, 24]);
    expect(shapes['layers.4']).toEqual(['batch', 64, 12, 12]);
    expect(shapes['layers.6']).toEqual(['batch', 9216]);
    const attrs = Object.fromEntries(g.nodes.map((n) => [n.name, n.attrs]));
    expect(attrs['layers.0']).toEqual({ stride: 1, padding: 0, dilation: 1, groups: 1 });
    expect(attrs['layers.4']).toEqual({ kernel: 2, stride: null, padding: 0 });
  });

  it("initialise as torch's _ConvNd: kaiming_uniform(a=√5) over fan_in = in/groups·prod(kernel)", () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 4, 9, 9]}
layers:
  from: x
  to: out
  stack:
    - conv2d: {out: 6, kernel: [3, 2], groups: 2, bias: true}
`);
    const [weight, bias] = g.parameters;
    expect(weight.shape).toEqual([6, 2, 3, 2]);
    expect(weight.init).toEqual({
      kind: 'kaiming_uniform',
      a: Math.sqrt(5),
      mode: 'fan_in',
      nonlinearity: 'leaky_relu',
      fanIn: 12,
      fanOut: 36,
    });
    expect(bias.init).toEqual({
      kind: 'uniform',
      low: -1 / Math.sqrt(12),
      high: 1 / Math.sqrt(12),
    });
  });

  it("draw weights within torch's bounds", () => {
    const model = compileSpec(`${HEADER}${MNIST_STACK}`, { seed: 3 });
    const state = model.stateDict();
    const bound = (name: string) => Math.max(...Array.from(state[name].storage, Math.abs));
    // kaiming_uniform(a=√5) is U(±1/√fan_in), as the bias: fan_in 9 and 288.
    expect(bound('layers.0.weight')).toBeLessThanOrEqual(1 / 3);
    expect(bound('layers.0.weight')).toBeGreaterThan(0.3);
    expect(bound('layers.2.weight')).toBeLessThanOrEqual(1 / Math.sqrt(288));
    expect(bound('layers.2.bias')).toBeLessThanOrEqual(1 / Math.sqrt(288));
  });

  it("take padding as an int, a pair, 'same' or 'valid', and other arguments per axis", () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 3, 10, 12]}
layers:
  from: x
  to: out
  stack:
    - conv2d: {out: 8, kernel: [3, 5], padding: same, bias: false}
    - conv2d: {out: 8, kernel: 3, padding: [1, 0], stride: [2, 1], dilation: 2}
    - avg_pool2d: {kernel: [2, 3], stride: 1, padding: 1}
    - conv2d: {out: 4, kernel: 1, padding: valid}
    - adaptive_avg_pool2d: [2, 3]
`);
    expect(g.parameters.map((p) => p.name)).toEqual([
      'layers.0.weight',
      'layers.1.weight',
      'layers.1.bias',
      'layers.3.weight',
      'layers.3.bias',
    ]);
    expect(g.nodes.map((n) => n.shape)).toEqual([
      ['batch', 8, 10, 12],
      ['batch', 8, 4, 8],
      ['batch', 8, 5, 8],
      ['batch', 4, 5, 8],
      ['batch', 4, 2, 3],
    ]);
  });

  it('run 1-D convolutions and pools over [batch, channels, length], a symbolic length too', () => {
    const g = graphOf(`inputs:
  x: {shape: [batch, 16, t]}
layers:
  from: x
  to: out
  stack:
    - conv1d: {out: 8, kernel: 3, padding: 1}
    - conv1d: {out: 8, kernel: 3}
    - max_pool1d: {kernel: 2}
    - avg_pool1d: 3
`);
    expect(g.parameters[0].shape).toEqual([8, 16, 3]);
    expect(g.nodes.map((n) => n.shape)).toEqual([
      ['batch', 8, 't'],
      ['batch', 8, '(t-2)'],
      ['batch', 8, '(((t-2)-2)//2+1)'],
      ['batch', 8, '(((((t-2)-2)//2+1)-3)//3+1)'],
    ]);
  });
});

describe('conv and pool shape errors, located', () => {
  it('a kernel larger than its padded input (MS312), at the stack entry', () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, 1, 4, 4]}
layers:
  from: x
  to: out
  stack:
    - conv2d: {out: 2, kernel: 3}
    - conv2d: {out: 2, kernel: 3, dilation: 2}
`);
    expect([e.code, e.line, e.column]).toEqual(['MS312', 10, 7]);
    expect(e.message).toBe(
      'conv2d: the kernel 3 with dilation 2 spans 5 and does not fit the padded input [2, 2] (input [2, 2], padding 0)',
    );
  });

  it('a pool window larger than its input (MS312), in an expression', () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, 3, 4, 5]}
graph:
  p: max_pool2d(x, kernel=[2, 6])
`);
    expect([e.code, e.line, e.column]).toEqual(['MS312', 6, 6]);
    expect(e.message).toBe(
      'max_pool2d: the kernel [2, 6] does not fit the padded input [4, 5] (input [4, 5], padding 0)',
    );
  });

  it('channels that do not split into groups (MS313)', () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, 3, 8, 8]}
layers:
  from: x
  to: out
  stack:
    - conv2d: {out: 4, kernel: 3, groups: 2}
`);
    expect([e.code, e.line, e.column]).toEqual(['MS313', 9, 7]);
    expect(e.message).toBe("conv2d: the input's 3 channels do not split into groups=2");
    expect(
      onlyError(`inputs:
  x: {shape: [batch, 4, 8, 8]}
layers: {from: x, to: out, stack: [{conv2d: {out: 3, kernel: 3, groups: 2}}]}
`).message,
    ).toBe('conv2d: 3 output channels do not split into groups=2');
  });

  it('input channels that do not match the weight (MS302), and a symbolic channel axis (MS310)', () => {
    const body = (channels: string) => `inputs:
  x: {shape: [batch, ${channels}, 8, 8]}
parameters:
  W: {shape: [4, 3, 3, 3], init: kaiming_uniform}
graph:
  h: conv2d(x, W, padding=1)
`;
    const e = onlyError(body('2'));
    expect([e.code, e.line, e.column]).toEqual(['MS302', 8, 6]);
    expect(e.message).toBe(
      'conv2d: input [batch, 2, 8, 8] has 2 channels, but weight [4, 3, 3, 3] takes 3',
    );
    expect(onlyError(body('c')).code).toBe('MS310');
  });

  it('wrong ranks (MS303)', () => {
    expect(
      onlyError(`inputs:
  x: {shape: [batch, 16]}
layers: {from: x, to: out, stack: [{max_pool2d: 2}]}
`).message,
    ).toBe(
      'max_pool2d needs an input [batch, channels, height, width] or [channels, height, width], got [batch, 16]',
    );
    expect(
      onlyError(`inputs:
  x: {shape: [batch, 16]}
layers: {from: x, to: out, stack: [{conv2d: {out: 4, kernel: 3}}]}
`).code,
    ).toBe('MS303');
    expect(
      onlyError(`inputs:
  x: {shape: [batch, 3, 8, 8]}
parameters:
  W: {shape: [4, 3, 3], init: kaiming_uniform}
graph:
  h: conv2d(x, W)
`).message,
    ).toBe('conv2d needs a weight [out_channels, in_channels / groups, kh, kw], got [4, 3, 3]');
  });

  it("padding='same' with a stride, and pool padding over half the kernel (MS209)", () => {
    const e = onlyError(`inputs:
  x: {shape: [batch, 3, 8, 8]}
parameters:
  W: {shape: [4, 3, 3, 3], init: kaiming_uniform}
graph:
  h: conv2d(x, W, stride=2, padding=same)
`);
    expect(e.code).toBe('MS209');
    expect(e.message).toMatch(/padding='same' needs stride 1/);
    expect(
      errorsOf(`inputs:
  x: {shape: [batch, 3, 8, 8]}
graph:
  h: avg_pool2d(x, 2, 1, 2)
`),
    ).toEqual(['MS209 6:6']);
  });

  it('bad argument values in a stack entry are refused by the schema, with the place', () => {
    const { diagnostics } = lowerYaml(`inputs:
  x: {shape: [batch, 3, 8, 8]}
layers: {from: x, to: out, stack: [{conv2d: {out: 4, kernel: 3, padding: full}}]}
`);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([5]);
  });
});
