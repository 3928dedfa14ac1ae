import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src/compiler/validate.js';

const spec = (train: string, parameters = '') => `modelspec: 1
name: groups
inputs:
  x: {shape: [batch, 2]}
  y: {shape: [batch, 1]}
${parameters}layers:
  from: x
  to: out
  stack:
    - linear: 4
    - relu
    - linear: 1
loss: mse_loss(out, y)
train:
  optimizer: {adamw: {lr: 0.001}}
${train}`;

function findings(text: string) {
  return validateSpec(text, { filename: 'groups.yaml' }).map(
    (d) => `${d.severity} ${d.code} ${d.line}:${d.column} ${d.message}`,
  );
}

describe('train.param_groups against the parameters', () => {
  it('is quiet when every selector takes something', () => {
    expect(
      findings(
        spec(
          '  param_groups:\n    - {ndim_below: 2, weight_decay: 0}\n    - {params: "layers.2.*", lr: 0.01}\n',
        ),
      ),
    ).toEqual([]);
  });

  it('warns, at the glob, about one that matches no parameter path', () => {
    expect(
      findings(spec('  param_groups:\n    - {params: ["*.bias", "head.*"], weight_decay: 0}\n')),
    ).toEqual([
      "warning MS401 17:27 param_groups[0]: 'head.*' matches no parameter (parameters: layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias)",
    ]);
  });

  it('warns about a group whose parameters an earlier group took, and an empty ndim_below', () => {
    expect(
      findings(
        spec(
          '  param_groups:\n    - {params: "layers.*"}\n    - {params: "*.bias", weight_decay: 0}\n    - {ndim_below: 1}\n',
        ),
      ),
    ).toEqual([
      "warning MS401 18:16 param_groups[1]: '*.bias' matches only parameters an earlier group takes (the first match wins)",
      'warning MS401 19:20 param_groups[2]: no trained parameter has fewer than 1 dimensions, so the group is empty',
    ]);
  });

  it('tells a glob that matches only frozen parameters from one that matches nothing', () => {
    const frozen = 'parameters:\n  scale: {shape: [1], init: ones, trainable: false}\n';
    const text = spec('  param_groups:\n    - {params: scale, lr: 0}\n', frozen).replace(
      'loss: mse_loss(out, y)',
      'loss: mse_loss(out * scale, y)',
    );
    expect(findings(text)).toEqual([
      "warning MS401 19:16 param_groups[0]: 'scale' matches only parameters that are not trained (trainable: false)",
    ]);
  });
});
