import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { evalRun } from '../../src/train/eval-run.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { flowersSpec } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('format1');

/**
 * Rewrites a run's checkpoint as modelspec wrote it before format 2: momentum buffers as JSON
 * arrays in the header, no optimizer tensors, the train section without accumulate or a
 * schedule interval, and the schedule's own state as `scheduler`.
 */
function downgrade(path: string): void {
  const file = decodeSafetensors(readFileSync(path), { source: path });
  const meta: Record<string, string> = { ...file.metadata, modelspec: '1' };
  const optimizer = JSON.parse(meta.optimizer) as {
    name?: string;
    state: Record<string, Record<string, unknown>>;
  };
  delete optimizer.name;
  const tensors = { ...file.tensors };
  for (const name of Object.keys(tensors)) {
    const match = /^optimizer\/(\d+)\/(\w+)$/.exec(name);
    if (!match) continue;
    optimizer.state[match[1]][match[2]] = Array.from(tensors[name].data);
    delete tensors[name];
  }
  meta.optimizer = JSON.stringify(optimizer);
  const fit = JSON.parse(meta.fit);
  delete fit.train.accumulate;
  delete fit.train.schedule.interval;
  delete fit.records;
  meta.fit = JSON.stringify(fit);
  meta.scheduler = JSON.stringify(JSON.parse(meta.scheduler).scheduler);
  writeFileSync(path, encodeSafetensors(tensors, meta));
}

describe('a checkpoint of format 1 (optimizer state as JSON)', () => {
  const spec = flowersSpec(dir.path, 'old.yaml', [
    ['  epochs: 40', '  epochs: 4\n  schedule: { cosine: { eta_min: 0.01 } }'],
  ]);

  it('loads, evaluates, and resumes to the weights of an uninterrupted run', async () => {
    const straight = dir.join('straight');
    await trainRun({ specPath: spec, out: straight });
    const out = dir.join('old');
    let seen = 0;
    await trainRun({ specPath: spec, out, onStep: () => seen++, shouldStop: () => seen >= 6 });
    const path = `${out}/${RUN_FILES.checkpoint}`;
    downgrade(path);

    const old = loadCheckpoint(path);
    expect(old.metadata.optimizerName).toBe('sgd');
    expect(Array.isArray(old.metadata.optimizer?.state[0].momentumBuffer)).toBe(true);
    expect(evalRun({ specPath: spec, checkpoint: path }).metrics.loss).toBeGreaterThan(0);

    await trainRun({ specPath: spec, resume: out });
    const weights = (run: string) =>
      Object.entries(loadCheckpoint(`${run}/${RUN_FILES.checkpoint}`).weights).map(
        ([name, t]: [string, Tensor]) => [name, Array.from(t.storage)],
      );
    expect(weights(out)).toEqual(weights(straight));
    expect(readFileSync(`${out}/${RUN_FILES.metrics}`, 'utf8')).toBe(
      readFileSync(`${straight}/${RUN_FILES.metrics}`, 'utf8'),
    );
  });

  it('of a format this version does not know is refused with what to do', async () => {
    const out = dir.join('future');
    await trainRun({ specPath: spec, out, epochs: 1 });
    const path = `${out}/${RUN_FILES.checkpoint}`;
    const file = decodeSafetensors(readFileSync(path), { source: path });
    writeFileSync(path, encodeSafetensors(file.tensors, { ...file.metadata, modelspec: '3' }));
    expect(() => loadCheckpoint(path)).toThrow(
      `${path} is a modelspec checkpoint of format 3, which this version cannot read (it reads formats 1 and 2); use a newer modelspec`,
    );
  });
});
