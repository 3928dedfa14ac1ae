import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real user's install: `npm pack` this repository (which builds dist/ through `prepare`),
// install the tarball into a fresh project, typecheck a TypeScript file that imports
// 'modelspec' with this repo's tsc (module NodeNext), run it, and run the installed CLI.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'modelspec-pack-'));
const app = join(work, 'app');
const TIMEOUT = 240_000;

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let packed: PackResult;

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: TIMEOUT });
  const output = `${command} ${args.join(' ')} (exit ${result.status})\n${result.stdout}\n${result.stderr}`;
  return { status: result.status, stdout: result.stdout, output };
}

const USER_CODE = `import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFile, type Model, SGD, tensor } from 'modelspec';

// The package ships its example specs; find them through the package's own folder.
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('modelspec/package.json'));

const model: Model = compileFile(join(packageDir, 'specs/iris.yaml'), { seed: 1 });
const optimizer = new SGD(model.parameters(), { lr: 0.1 });
const x = tensor([
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 2.9, 4.3, 1.3],
  [7.7, 3.0, 6.1, 2.3],
]);
const y = tensor([0, 1, 2], { dtype: 'int32' });

const loss = model.loss({ x, y });
loss.backward();
optimizer.step();
optimizer.zeroGrad();
const before: number = loss.item();
const after: number = model.loss({ x, y }).item();
console.log(JSON.stringify({ before, after, parameters: model.namedParameters().length }));
`;

beforeAll(() => {
  const pack = run('npm', ['pack', '--pack-destination', work, '--json'], repo);
  if (pack.status !== 0) throw new Error(pack.output);
  packed = (JSON.parse(pack.stdout) as PackResult[])[0];

  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'modelspec-user', private: true, type: 'module' }),
  );
  const install = run(
    'npm',
    ['install', join(work, packed.filename), '--no-audit', '--no-fund', '--prefer-offline'],
    app,
  );
  if (install.status !== 0) throw new Error(install.output);
  writeFileSync(join(app, 'main.ts'), USER_CODE);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        outDir: 'out',
        // Check the shipped .d.ts files too, not only the user's code.
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
      },
      files: ['main.ts'],
    }),
  );
}, TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('contains the built library with its types, the CLI, schema, specs and data; no sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const file of [
      'package.json',
      'bin/modelspec.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/runtime/model.d.ts',
      'dist/wasm/kernels.wasm',
      'schema/modelspec.schema.json',
      'specs/iris.yaml',
      'data/iris.csv',
    ]) {
      expect(files, file).toContain(file);
    }
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
  });

  it(
    "typechecks a user's `import { compileFile, SGD } from 'modelspec'` (NodeNext)",
    () => {
      const tsc = run(join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
      expect(tsc.status, tsc.output).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'runs one training step on the shipped iris spec',
    () => {
      const node = run(process.execPath, ['out/main.js'], app);
      expect(node.status, node.output).toBe(0);
      const { before, after, parameters } = JSON.parse(node.stdout);
      expect(Number.isFinite(before)).toBe(true);
      expect(Number.isFinite(after)).toBe(true);
      expect(after).toBeLessThan(before);
      expect(parameters).toBe(4);
    },
    TIMEOUT,
  );

  it(
    'installs a working `modelspec` command',
    () => {
      const bin = join(app, 'node_modules/.bin/modelspec');
      const spec = join(app, 'node_modules/modelspec/specs/iris.yaml');
      const validate = run(bin, ['validate', spec], app);
      expect(validate.status, validate.output).toBe(0);
      expect(validate.stdout).toBe(`${spec}: ok\n`);
      const version = execFileSync(bin, ['--version'], { cwd: app, encoding: 'utf8' });
      const { version: ours } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
      expect(version.trim()).toBe(ours);
    },
    TIMEOUT,
  );
});
