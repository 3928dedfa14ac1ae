import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUN_FILES, trainRun } from '../../src/runtime/train-run.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('repro');

const files = (runDir: string) => ({
  metrics: readFileSync(`${runDir}/${RUN_FILES.metrics}`, 'utf8'),
  checkpoint: readFileSync(`${runDir}/${RUN_FILES.checkpoint}`),
  spec: readFileSync(`${runDir}/${RUN_FILES.spec}`, 'utf8'),
});

describe('the same spec and seed', () => {
  // digits has dropout, momentum, weight decay, standardization and a validation split.
  it('give identical metrics.jsonl and checkpoint bytes, twice', async () => {
    const options = { specPath: 'specs/digits.yaml', epochs: 1 };
    await trainRun({ ...options, out: dir.join('a') });
    await trainRun({ ...options, out: dir.join('b') });
    const a = files(dir.join('a'));
    const b = files(dir.join('b'));
    expect(a.metrics.length).toBeGreaterThan(0);
    expect(b.metrics).toBe(a.metrics);
    expect(b.checkpoint.equals(a.checkpoint)).toBe(true);
    expect(b.spec).toBe(a.spec);
  });

  it('and another seed gives other weights and other metrics', async () => {
    await trainRun({ specPath: 'specs/digits.yaml', epochs: 1, seed: 3, out: dir.join('c') });
    const a = files(dir.join('a'));
    const c = files(dir.join('c'));
    expect(c.checkpoint.equals(a.checkpoint)).toBe(false);
    expect(c.metrics).not.toBe(a.metrics);
  });
});
