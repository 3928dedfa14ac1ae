import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileWriteError, writeFileAtomic } from '../../src/io/atomic-write.js';

/** When set, the next fsync of a file descriptor fails as a full or failing disk would. */
const failure = vi.hoisted(() => ({ fsync: false }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    fsyncSync: (fd: number) => {
      if (failure.fsync) {
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      }
      return real.fsyncSync(fd);
    },
  };
});

afterEach(() => {
  failure.fsync = false;
});

function freshDir(): string {
  return fs.mkdtempSync(join(tmpdir(), 'modelspec-atomic-'));
}

describe('writeFileAtomic', () => {
  it('creates a file and replaces an existing one, leaving no temporary files', () => {
    const dir = freshDir();
    const path = join(dir, 'checkpoint.safetensors');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(fs.readFileSync(path))).toEqual([1, 2, 3]);
    writeFileAtomic(path, 'replaced\n');
    expect(fs.readFileSync(path, 'utf8')).toBe('replaced\n');
    expect(fs.readdirSync(dir)).toEqual(['checkpoint.safetensors']);
  });

  it('leaves the old file intact and removes the temporary file when the write fails', () => {
    const dir = freshDir();
    const path = join(dir, 'checkpoint.safetensors');
    fs.writeFileSync(path, 'old contents');
    failure.fsync = true;
    let error: unknown;
    try {
      writeFileAtomic(path, new Uint8Array(1 << 16).fill(7));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileWriteError);
    expect((error as FileWriteError).message).toBe(`cannot write ${path}: EIO: i/o error, fsync`);
    expect((error as FileWriteError).code).toBe('EIO');
    expect(fs.readFileSync(path, 'utf8')).toBe('old contents');
    expect(fs.readdirSync(dir)).toEqual(['checkpoint.safetensors']);
  });

  it('cleans up when the rename fails (the target is a directory)', () => {
    const dir = freshDir();
    const target = join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(join(target, 'inside'), 'kept');
    expect(() => writeFileAtomic(target, 'x')).toThrow(FileWriteError);
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
  });

  it('names the file when its directory does not exist', () => {
    const path = join(freshDir(), 'missing', 'checkpoint.safetensors');
    expect(() => writeFileAtomic(path, 'x')).toThrow(
      `cannot write ${path}: its directory does not exist`,
    );
  });
});
