import { describe, expect, it } from 'vitest';
import type { WorkloadRow } from '../../bench/workloads.js';
import { workloadsMarkdown } from '../../bench/workloads-report.js';

const row = (
  impl: string,
  workload: WorkloadRow['workload'],
  rate: number | null,
): WorkloadRow => ({
  impl,
  workload,
  stepsPerSecond: rate,
  cpuStepsPerSecond: rate === null ? undefined : rate * 2,
  samples: rate === null ? undefined : [rate * 0.9, rate, rate * 1.1],
});

describe('workloadsMarkdown', () => {
  const rows = [
    row('modelspec 1 thread', 'medium', 100),
    row('modelspec 2 threads', 'medium', 150),
    row('PyTorch 1 thread', 'medium', 400),
    row('PyTorch 2 threads', 'medium', 500),
    row('tfjs wasm', 'medium', 10),
    row('tfjs cpu', 'medium', null),
    row('modelspec 1 thread', 'large', 40),
    row('modelspec 2 threads', 'large', 50),
    row('PyTorch 1 thread', 'large', 100),
    row('PyTorch 2 threads', 'large', 200),
    row('tfjs wasm', 'large', 5),
  ];
  const text = workloadsMarkdown(rows, { load: '1.0', peers: [] });

  it('divides modelspec by each peer of the same run, like for like and 2 threads against 1', () => {
    expect(text).toContain('| medium | 0.250× | 0.300× | 0.375× | 10.0× | – |');
  });

  it('judges the targets with modelspec as it runs by default (2 threads)', () => {
    expect(text).toContain('≥ 0.5× PyTorch 1 thread: missed (0.375×); ≥ 8× tfjs wasm: met (15.0×)');
  });

  it('judges large against the faster PyTorch figure', () => {
    expect(text).toContain('≥ 0.3× PyTorch (best): missed (0.250×); ≥ 10× tfjs wasm: met (10.0×)');
  });

  it('shows the spread of the windows and a dash for what was not measured', () => {
    expect(text).toContain(
      '| medium (784-256-128-10, b64) | 100 ±10% | 150 ±10% | 400 ±10% | 500 ±10% | 10.0 ±10% | – |',
    );
  });

  it('has a CPU-time table without the 2-thread figures', () => {
    const cpu = text.slice(text.indexOf('### CPU time'));
    expect(cpu).toContain('| medium | 200 | 800 | 20.0 | – | 0.250× | 10.0× | – |');
    expect(cpu).not.toContain('PyTorch 2 threads |');
    expect(cpu).not.toContain('modelspec 2 threads |');
  });
});
