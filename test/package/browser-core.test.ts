import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The core (src/core.ts: tensors, autograd, ops, optimizers, spec, compiler, runtime) imports no
// `node:` module, so it bundles for a browser; given a Platform, the bundle compiles and runs a
// spec (here with the reference kernels: no wasm bytes, no native addon).

const root = new URL('../../', import.meta.url);

describe('the core bundled for the browser platform', () => {
  it('bundles with no node: import, and runs a spec once a platform is registered', async () => {
    const result = await build({
      entryPoints: [new URL('src/core.ts', root).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => /src\/(cli|data|io|train|platform\/node)/.test(f))).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);

    const file = join(mkdtempSync(join(tmpdir(), 'modelspec-core-')), 'core.mjs');
    writeFileSync(file, code);
    const core = await import(pathToFileURL(file).href);
    const schema = JSON.parse(readFileSync(new URL('schema/modelspec.schema.json', root), 'utf8'));
    const validate = new Ajv2020({
      strict: true,
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
    }).compile(schema);
    core.setPlatform({
      name: 'test browser',
      cpus: () => 1,
      env: () => undefined,
      wasmKernels: () => ({ missing: 'not served in this test' }),
      startWorker: () => {
        throw new Error('no workers in this test');
      },
      nativeAddon: () => ({ addon: null, status: { available: false, reason: 'a browser' } }),
      readFile: () => ({ problem: 'missing', message: 'no files in a browser' }),
      sha256: (text: string) => createHash('sha256').update(text).digest('hex'),
      specSchema: () => schema,
      specValidator: () => validate,
    });
    const spec = readFileSync(new URL('specs/iris.yaml', root), 'utf8');
    const model = core.compileSpec(spec, { seed: 1 });
    const x = core.tensor([[5.1, 3.5, 1.4, 0.2]]);
    expect(model.eval().forward({ x }).probs.shape).toEqual([1, 3]);
    const loss = model.train().loss({ x, y: core.tensor([0], { dtype: 'int32' }) });
    loss.backward();
    expect(model.parameters().every((p: { grad: unknown }) => p.grad !== null)).toBe(true);
    expect(core.backendReport().name).toBe('reference');
  });
});
