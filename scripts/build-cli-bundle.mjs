// Bundles the CLI's start-up path (dist/cli/main.js as tsc emitted it, with src/cli, src/spec,
// src/compiler, commander and yaml) into one script, dist/cli/main.bundle.cjs, and records V8's
// code cache for it after one `validate specs/iris.yaml`; bin/load-cli.js runs the bundle with
// that cache. Node 20 resolves and loads each ES module separately and has no compile cache of
// its own: the ~60 modules and ~80 CommonJS files of that path, and compiling them, cost most of
// `modelspec validate`'s start-up. Runs as part of `npm run build`, after tsc and the schema
// validator; nothing it writes is committed.
//
// Everything else stays a separate module, loaded from its own place in dist/, so that no
// module with state or a class the CLI tests with `instanceof` exists twice in one process:
// - the commands' lazy `import()`s (the runtime, kernels, ...), which the bundle makes through
//   the loader (a script run by node:vm cannot `import()` by itself on Node 20);
// - modules outside src/cli, src/spec and src/compiler (error classes of data, runtime, tensor)
//   and src/spec/diagnostics (SpecError, thrown by the runtime's copy of the compiler as well),
//   which the loader imports first and hands to the bundle (main.bundle.json lists them).
// Paths are relative to dist/cli, where the bundle's `import.meta.url` points, so its
// ../../package.json, ../../schema and ../../dist/spec/schema-validator.cjs still hold.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_FILES, loadCli } from '../bin/load-cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cliDir = join(dist, 'cli');
const outFile = join(cliDir, BUNDLE_FILES.script);

const BUNDLED_FOLDERS = ['cli', 'spec', 'compiler'].map((folder) => join(dist, folder) + sep);
const SHARED_MODULES = new Set([join(dist, 'spec/diagnostics.js')]);

function bundled(file) {
  return BUNDLED_FOLDERS.some((folder) => file.startsWith(folder)) && !SHARED_MODULES.has(file);
}

/** Write-then-rename, so a concurrent reader never sees a partial file. */
function writeAtomic(file, data) {
  const tmpFile = `${file}.${process.pid}.tmp`;
  writeFileSync(tmpFile, data);
  renameSync(tmpFile, file);
}

const shared = new Set();

/** Imports of dist modules that must stay single become `__bundleShared[path]`. */
const keepSharedModules = {
  name: 'keep-shared-modules',
  setup(context) {
    context.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(dist + sep)) return undefined;
      const file = join(args.resolveDir, args.path);
      if (bundled(file)) return undefined;
      const path = relative(cliDir, file).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, namespace: 'shared' };
    });
    context.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => {
      shared.add(args.path);
      return { contents: `module.exports = __bundleShared[${JSON.stringify(args.path)}];` };
    });
    // The commands' `import('../train/...')` and the like go through the loader, relative to dist/cli.
    context.onLoad({ filter: /[\\/]dist[\\/]cli[\\/][^\\/]+\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/\bimport\((?=['"])/g, '__bundleImport('),
      loader: 'js',
    }));
  },
};

/**
 * commander requires node:child_process (with net, dgram, streams) for executable subcommands,
 * which modelspec has none of: load it on first use instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(context) {
    context.onResolve({ filter: /^node:child_process$/ }, (args) => ({
      path: args.path,
      namespace: 'lazy-builtin',
    }));
    context.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let loaded;
module.exports = new Proxy({}, {
  get: (_, key) => (loaded ??= require(${JSON.stringify(args.path)}))[key],
});`,
    }));
  },
};

// V8 checks a code cache against its script's length, not its text: never leave an old cache
// next to a new bundle, even if this build fails half-way.
rmSync(join(cliDir, BUNDLE_FILES.cache), { force: true });
const result = await build({
  entryPoints: [join(cliDir, 'main.js')],
  write: false,
  outfile: outFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__bundleUrl' },
  // Less source for V8 to parse; keepNames keeps functions' and classes' names.
  minify: true,
  keepNames: true,
  plugins: [keepSharedModules, lazyChildProcess],
  logLevel: 'warning',
});
writeAtomic(outFile, result.outputFiles[0].contents);
writeAtomic(join(cliDir, BUNDLE_FILES.manifest), `${JSON.stringify({ shared: [...shared] })}\n`);

// The code cache holds what V8 compiled while validating a spec, start-up path included.
const silentIo = {
  stdout: () => {},
  stderr: () => {},
  isTTY: { stdout: false, stderr: false },
  env: {},
};
const cli = await loadCli({ withCache: false });
const status = await cli.main(
  ['node', 'modelspec', 'validate', join(root, 'specs/iris.yaml')],
  silentIo,
);
if (status !== 0) throw new Error(`the bundled CLI failed to validate specs/iris.yaml (${status})`);
writeAtomic(join(cliDir, BUNDLE_FILES.cache), cli.codeCache());
