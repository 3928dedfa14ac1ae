import { describe, expect, it } from 'vitest';
import { drawLossCurve } from '../../src/cli/loss-curve.js';
import { runCli } from '../helpers/cli-run.js';
import { FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('loss-curve');

describe('the loss curve', () => {
  it('of a step-based run is labelled in optimizer steps', () => {
    const curve = drawLossCurve([2, 1.5, 1, 0.8], [2.1, 1.6, 1.2, 1], {
      steps: [50, 100, 150, 200],
    });
    const lines = curve.split('\n');
    expect(lines[0]).toMatch(/^ +2\.10 \|[o#]/);
    expect(lines.at(-2)).toBe(`${' '.repeat(11)}step 50${'step 200'.padStart(9)}`);
  });

  it('modelspec train --max-steps ends with it', async () => {
    const result = await runCli([
      'train',
      FLOWERS_SPEC,
      '--max-steps',
      '40',
      '--out',
      dir.join('steps'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n {11}step 4 +step 40\n/);
    expect(result.stdout).toContain('* train loss   o validation loss');
  });
});
