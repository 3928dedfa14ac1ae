// Bundles the CLI's start-up path (dist/cli/main.js as tsc emitted it, with src/cli, src/spec,
// src/compiler, commander and yaml) into one file, dist/cli/main.bundle.js, which
// bin/modelspec.js runs. Node 20 resolves and loads each ES module separately; the ~60 modules
// and ~80 CommonJS files of that path cost more than half of `modelspec validate`'s start-up.
// Runs as part of `npm run build`, after tsc; the bundle is never committed.
//
// Everything else stays a separate module, imported from its own place in dist/, so that no
// module with state or a class the CLI tests with `instanceof` exists twice in one process:
// - the commands' lazy `import()`s (the runtime, kernels, ...) keep loading on demand;
// - modules outside src/cli, src/spec and src/compiler (error classes of data, runtime, tensor);
// - src/spec/diagnostics (SpecError, thrown by the runtime's copy of the compiler as well).
// The bundle sits in dist/cli, next to main.js, so its `import.meta.url` paths
// (../../package.json, ../../schema, ../../dist/spec/schema-validator.cjs) still hold.
import { renameSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const entry = join(dist, 'cli/main.js');
const outFile = join(dist, 'cli/main.bundle.js');

const BUNDLED_FOLDERS = ['cli', 'spec', 'compiler'].map((folder) => join(dist, folder) + sep);
const SHARED_MODULES = new Set([join(dist, 'spec/diagnostics.js')]);

function bundled(file) {
  return BUNDLED_FOLDERS.some((folder) => file.startsWith(folder)) && !SHARED_MODULES.has(file);
}

/** Keeps dist modules that must stay single (see above) as imports relative to the bundle. */
const keepSharedModules = {
  name: 'keep-shared-modules',
  setup(context) {
    context.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(dist + sep)) return undefined;
      const file = join(args.resolveDir, args.path);
      if (args.kind !== 'dynamic-import' && bundled(file)) return undefined;
      const path = relative(dirname(outFile), file).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

// Write-then-rename, so a concurrent reader never sees a partial file.
const tmpFile = `${outFile}.${process.pid}.tmp`;
await build({
  entryPoints: [entry],
  outfile: tmpFile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Less source for V8 to parse at every start; keepNames keeps functions' and classes' names.
  minify: true,
  keepNames: true,
  // commander and yaml are CommonJS; their require() of Node's built-in modules needs a require.
  banner: {
    js: "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);",
  },
  plugins: [keepSharedModules],
  logLevel: 'warning',
});
renameSync(tmpFile, outFile);
