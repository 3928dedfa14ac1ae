import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SPEC_BYTES } from '../../src/spec/limits.js';
import { readSpecFile } from '../../src/spec/read.js';

const folder = mkdtempSync(join(tmpdir(), 'modelspec-read-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe('readSpecFile', () => {
  it('returns the text of a UTF-8 file, without a byte order mark', () => {
    const path = file(
      'ok.yaml',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: é\n')]),
    );
    expect(readSpecFile(path)).toEqual({ text: 'name: é\n', diagnostic: null });
  });

  it('reports a missing file', () => {
    const result = readSpecFile(join(folder, 'nope.yaml'));
    expect(result.text).toBeNull();
    expect(result.diagnostic).toMatchObject({
      code: 'MS001',
      line: 1,
      column: 1,
      severity: 'error',
    });
  });

  it('reports a directory', () => {
    expect(readSpecFile(folder).diagnostic?.code).toBe('MS002');
  });

  it('reports bytes that are not UTF-8 where the first one is', () => {
    const path = file('latin1.yaml', Buffer.from([0x61, 0x3a, 0x0a, 0x62, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(readSpecFile(path).diagnostic).toMatchObject({ code: 'MS003', line: 2, column: 4 });
  });

  it('refuses a file over the size limit without decoding it', () => {
    const path = file('big.yaml', Buffer.alloc(MAX_SPEC_BYTES + 1, 0x61));
    const result = readSpecFile(path);
    expect(result.diagnostic?.code).toBe('MS004');
    expect(result.diagnostic?.message).toContain(String(MAX_SPEC_BYTES + 1));
  });
});
