import { describe, expect, it } from 'vitest';
import { replaceBlocks } from '../../bench/results-file.js';

describe('replaceBlocks (bench/RESULTS.md)', () => {
  const file = [
    '# Benchmark results',
    '',
    '<!-- bench:machine -->',
    'old machine',
    '<!-- /bench:machine -->',
    '',
    'Hand-written notes that must survive.',
    '',
    '<!-- bench:matmul -->',
    'old matmul',
    '<!-- /bench:matmul -->',
    '',
    'More notes.',
    '',
  ].join('\n');

  it('replaces only the named blocks and keeps the text around them', () => {
    const out = replaceBlocks(file, { matmul: 'new matmul\n' });
    expect(out).toContain('<!-- bench:matmul -->\nnew matmul\n<!-- /bench:matmul -->');
    expect(out).not.toContain('old matmul');
    expect(out).toContain('old machine');
    expect(out).toContain('Hand-written notes that must survive.');
    expect(out.endsWith('More notes.\n')).toBe(true);
  });

  it('is idempotent: the same bodies give the same file', () => {
    const once = replaceBlocks(file, { machine: 'm', workloads: 'w' });
    expect(replaceBlocks(once, { machine: 'm', workloads: 'w' })).toBe(once);
  });

  it('adds a missing block at the end, and the machine block under the title', () => {
    const out = replaceBlocks('# Benchmark results\n\nnotes\n', { startup: 's', machine: 'm' });
    expect(out.indexOf('<!-- bench:machine -->')).toBeLessThan(out.indexOf('notes'));
    expect(out.startsWith('# Benchmark results\n')).toBe(true);
    expect(out.trimEnd().endsWith('s\n<!-- /bench:startup -->')).toBe(true);
  });

  it('starts a new file with the title', () => {
    expect(replaceBlocks('', { memory: 'x' })).toBe(
      '# Benchmark results\n\n<!-- bench:memory -->\nx\n<!-- /bench:memory -->\n',
    );
  });
});
