import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/train/train-run.js';
import { runCli } from '../helpers/cli-run.js';
import { FIXTURES, flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli-recipes');

describe('modelspec train with the recipes of train', () => {
  it("prints the spec's warnings first (a param group that takes nothing), then trains", async () => {
    const spec = flowersSpec(dir.path, 'typo.yaml', [
      ['  epochs: 40', '  epochs: 1\n  param_groups: [{params: "*.bais", lr: 0.01}]'],
    ]);
    const result = await runCli(['train', spec, '--out', dir.join('typo')]);
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(
      `${spec}:23:27: warning[MS401]: param_groups[0]: '*.bais' matches no parameter (parameters: layers.0.weight, layers.0.bias, layers.2.weight, layers.2.bias)`,
    );
    expect(lines[1]).toBe('   23 |   param_groups: [{params: "*.bais", lr: 0.01}]');
    expect(result.stderr).toContain('training ');
  });

  it('--max-steps: lines per evaluation, in steps; early stopping says where the best weights are', async () => {
    const spec = flowersSpec(dir.path, 'steps.yaml', [
      ['  optimizer: { sgd: { lr: 0.2, momentum: 0.9 } }', '  optimizer: { sgd: { lr: 0 } }'],
      ['  epochs: 40', '  early_stopping: {metric: valid.loss, patience: 1}'],
    ]);
    const out = dir.join('steps');
    const result = await runCli(['train', spec, '--max-steps', '30', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/training .*: 27 training rows, 9 validation rows, 30 steps$/);
    expect(lines.slice(-2)).toEqual([
      expect.stringMatching(
        /^early stopping: valid.loss has not improved for 1 evaluations; the best, [\d.]+, was at epoch 1 \(step 3\)$/,
      ),
      expect.stringMatching(
        new RegExp(`^best valid.loss [\\d.]+ at epoch 1 \\(step 3\\): ${out}/best.safetensors$`),
      ),
    ]);
    const records = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.step)).toEqual([3, 6]);
    const resolved = readFileSync(`${out}/${RUN_FILES.spec}`, 'utf8');
    expect(resolved).toContain('max_steps: 30');
    expect(resolved).toContain('eval_every: 3');
  });

  it('predict and eval take best.safetensors as they take the last checkpoint', async () => {
    const spec = flowersSpec(dir.path, 'best.yaml', [
      ['  epochs: 40', '  epochs: 30\n  early_stopping: {metric: valid.accuracy, patience: 3}'],
    ]);
    const out = dir.join('best');
    expect((await runCli(['train', spec, '--out', out])).code).toBe(0);
    const best = `${out}/${RUN_FILES.best}`;
    const predicted = await runCli([
      'predict',
      spec,
      '--checkpoint',
      best,
      '--input',
      `${FIXTURES}flowers-input.csv`,
    ]);
    expect(predicted).toMatchObject({
      code: 0,
      stdout: 'row,prediction\n1,left\n2,middle\n3,right\n',
    });
    const evaluated = await runCli(['eval', spec, '--checkpoint', best, '--json']);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ split: 'valid', accuracy: 1 });
  });

  it('refuses --epochs and --max-steps together', async () => {
    const spec = flowersSpec(dir.path, 'both.yaml');
    const result = await runCli([
      'train',
      spec,
      '--epochs',
      '2',
      '--max-steps',
      '5',
      '--out',
      dir.join('both'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'modelspec: error: --epochs and --max-steps cannot be given together\n',
    );
  });
});
