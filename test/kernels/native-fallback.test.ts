import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeFrom } from '../../src/platform/node.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'modelspec-native-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A package root with the addon's sources but nothing built. */
function packageCopy(name: string): string {
  const root = join(work, name);
  mkdirSync(root);
  cpSync(join(repo, 'binding.gyp'), join(root, 'binding.gyp'));
  cpSync(join(repo, 'native'), join(root, 'native'), { recursive: true });
  return root;
}

function reasonOf(root: string): string {
  const { addon, status } = loadNativeFrom(root);
  expect(addon).toBeNull();
  if (status.available) throw new Error('expected the native kernels to be unavailable');
  return status.reason;
}

describe('without the native addon', () => {
  it('reports that it was never built, and how to build it', () => {
    expect(reasonOf(packageCopy('never-built'))).toMatch(
      /modelspec_native\.node is missing: the install did not build it \(npm run build:native/,
    );
  });

  it('reports a binary that does not load', () => {
    const root = packageCopy('broken');
    mkdirSync(join(root, 'build/Release'), { recursive: true });
    writeFileSync(join(root, 'build/Release/modelspec_native.node'), 'not an ELF file');
    expect(reasonOf(root)).toMatch(/modelspec_native\.node did not load: .*/);
  });

  it('says once, at install, that the build failed, installs anyway, and records why', () => {
    const root = packageCopy('no-compiler');
    const result = spawnSync(process.execPath, [join(repo, 'native/build.mjs'), '--root', root], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CXX: join(root, 'no-such-compiler'),
        CC: join(root, 'no-such-compiler'),
      },
    });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^modelspec: native kernels not built \(.*no-such-compiler.*\); modelspec will run on its WebAssembly kernels\.$/,
    );
    expect(readFileSync(join(root, 'build/native-build.log'), 'utf8')).toContain(
      'no-such-compiler',
    );
    expect(reasonOf(root)).toMatch(
      /^the native kernels did not build at install: .*no-such-compiler.*build\/native-build\.log$/,
    );
  });

  it('records a build skipped with MODELSPEC_NATIVE_BUILD=skip', () => {
    const root = packageCopy('skipped');
    const result = spawnSync(process.execPath, [join(repo, 'native/build.mjs'), '--root', root], {
      encoding: 'utf8',
      env: { ...process.env, MODELSPEC_NATIVE_BUILD: 'skip' },
    });
    expect(result.status).toBe(0);
    expect(reasonOf(root)).toBe(
      'the native kernels did not build at install: skipped: MODELSPEC_NATIVE_BUILD=skip during install',
    );
  });
});
