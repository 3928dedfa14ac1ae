import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { RUN_FILES, trainRun } from '../../src/train/train-run.js';
import { spawnCli } from '../helpers/cli-process.js';
import { runCli } from '../helpers/cli-run.js';
import { FLOWERS_SPEC } from '../helpers/flowers.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('interrupt');

const weights = (runDir: string) =>
  Object.fromEntries(
    Object.entries(loadCheckpoint(`${runDir}/${RUN_FILES.checkpoint}`).weights).map(([k, t]) => [
      k,
      Array.from(t.storage),
    ]),
  );

describe('Ctrl-C during modelspec train', () => {
  it('finishes the step, saves, exits 130; --resume then ends where an unbroken run ends', async () => {
    const epochs = '150';
    const out = dir.join('interrupted');
    const run = spawnCli(['train', FLOWERS_SPEC, '--epochs', epochs, '--out', out]);
    await run.waitFor(/\nepoch +1\/150 /);
    run.child.kill('SIGINT');
    const { code, stderr, stdout } = await run.done;
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toContain('interrupted: finishing the current step and saving a checkpoint...');
    expect(stderr).toContain(`saved ${out}/checkpoint.safetensors; continue with --resume ${out}`);
    const report = JSON.parse(readFileSync(`${out}/${RUN_FILES.report}`, 'utf8'));
    expect(report.interrupted).toBe(true);
    const fit = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`).metadata.fit as {
      state: { step: number };
    };
    expect(fit.state.step).toBe(report.steps);
    expect(fit.state.step).toBeLessThan(150 * 4);

    const resumed = await runCli(['train', FLOWERS_SPEC, '--resume', out]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming after step ${fit.state.step}`);

    const straight = dir.join('straight');
    await trainRun({ specPath: FLOWERS_SPEC, out: straight, epochs: Number(epochs) });
    expect(weights(out)).toEqual(weights(straight));
    expect(readFileSync(`${out}/${RUN_FILES.metrics}`, 'utf8')).toBe(
      readFileSync(`${straight}/${RUN_FILES.metrics}`, 'utf8'),
    );
  });
});

describe('SIGTERM during modelspec train', () => {
  it('stops as Ctrl-C does: saves after the current step, exits 143, and the run resumes', async () => {
    const out = dir.join('terminated');
    const run = spawnCli(['train', FLOWERS_SPEC, '--epochs', '150', '--out', out]);
    await run.waitFor(/\nepoch +1\/150 /);
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.done;
    expect(code).toBe(143);
    expect(stderr).toContain('terminated: finishing the current step and saving a checkpoint...');
    expect(stderr).toContain(`saved ${out}/checkpoint.safetensors; continue with --resume ${out}`);
    const report = JSON.parse(readFileSync(`${out}/${RUN_FILES.report}`, 'utf8'));
    expect(report.interrupted).toBe(true);
    const resumed = await runCli(['train', FLOWERS_SPEC, '--resume', out]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming after step ${report.steps}`);
  });
});

describe('killing modelspec train at any moment', () => {
  it('leaves the previous checkpoint loadable and the run resumable', async () => {
    // Tiny epochs, a checkpoint after each: a kill often lands in the middle of a write.
    const runs = [150, 400, 650].map((delay, i) => {
      const out = dir.join(`killed-${i}`);
      const run = spawnCli(['train', FLOWERS_SPEC, '--epochs', '100000', '--out', out]);
      const killed = run
        .waitFor(/\nepoch +1\/100000 /)
        .then(() => new Promise((resolve) => setTimeout(resolve, delay)))
        .then(() => run.child.kill('SIGKILL'))
        .then(() => run.done);
      return { out, killed };
    });
    for (const { out, killed } of runs) {
      const { signal } = await killed;
      expect(signal).toBe('SIGKILL');
      const checkpoint = loadCheckpoint(`${out}/${RUN_FILES.checkpoint}`);
      const { state } = checkpoint.metadata.fit as { state: { epoch: number; step: number } };
      expect(state.epoch).toBeGreaterThanOrEqual(1);
      expect(state.step).toBe(state.epoch * 4);
      const resumed = await runCli([
        'train',
        FLOWERS_SPEC,
        '--resume',
        out,
        '--epochs',
        String(state.epoch + 1),
      ]);
      expect(resumed.code).toBe(0);
      const lines = readFileSync(`${out}/${RUN_FILES.metrics}`, 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).epoch)).toEqual(
        Array.from({ length: state.epoch + 1 }, (_, e) => e + 1),
      );
    }
  });
});
