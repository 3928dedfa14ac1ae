// Loads the CLI bundle that scripts/build-cli-bundle.mjs makes (dist/cli/main.bundle.cjs) with
// V8's code cache recorded at build time, so that start-up compiles next to nothing. A cache
// from another Node version is rejected by V8 and the bundle is compiled as usual.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export const BUNDLE_FILES = {
  script: 'main.bundle.cjs',
  manifest: 'main.bundle.json',
  cache: 'main.bundle.cache',
};

const CLI_DIR = new URL('../dist/cli/', import.meta.url);

function readCache() {
  try {
    return readFileSync(new URL(BUNDLE_FILES.cache, CLI_DIR));
  } catch {
    return undefined;
  }
}

/**
 * The bundle's `main`, and `codeCache()` for the build to record. The modules the bundle shares
 * with the rest of dist/ (main.bundle.json) are imported here first; its `import()`s are ours.
 */
export async function loadCli({ withCache = true } = {}) {
  const url = new URL(BUNDLE_FILES.script, CLI_DIR);
  const manifest = JSON.parse(readFileSync(new URL(BUNDLE_FILES.manifest, CLI_DIR), 'utf8'));
  const bundleImport = (path) => import(new URL(path, CLI_DIR).href);
  const modules = await Promise.all(manifest.shared.map(bundleImport));
  const shared = Object.fromEntries(manifest.shared.map((path, i) => [path, modules[i]]));
  const filename = fileURLToPath(url);
  const source = `(function (exports, require, module, __filename, __dirname, __bundleShared, __bundleImport, __bundleUrl) {${readFileSync(url, 'utf8')}\n})`;
  const script = new Script(source, {
    filename,
    cachedData: withCache ? readCache() : undefined,
  });
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(url),
    module,
    filename,
    dirname(filename),
    shared,
    bundleImport,
    url.href,
  );
  return { main: module.exports.main, codeCache: () => script.createCachedData() };
}
