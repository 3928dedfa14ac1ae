// Builds the native kernels (native/*.cc, binding.gyp) into build/Release/modelspec_native.node
// with the node-gyp that npm bundles. It is the package's install script, so `npm ci` and
// `npm install` run it; `npm run build:native` runs it again after editing native/.
//
// A failed build never fails the install: modelspec then runs on its WebAssembly kernels. It
// prints one line saying so and writes the reason to build/native-status.json, where
// src/kernels/native/loader.ts reads it, so the runtime can tell why native is unavailable;
// the compiler's output goes to build/native-build.log.
//
// Usage: node native/build.mjs [--root DIR]   (DIR: a package root, default this one)
// MODELSPEC_NATIVE_BUILD=skip skips the build (recorded as the reason).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootIndex = args.indexOf('--root');
const ROOT =
  rootIndex >= 0 ? resolve(args[rootIndex + 1]) : fileURLToPath(new URL('..', import.meta.url));
const BUILD = join(ROOT, 'build');
const STATUS = join(BUILD, 'native-status.json');
const LOG = join(BUILD, 'native-build.log');
const ADDON = join(BUILD, 'Release', 'modelspec_native.node');

/**
 * A hash of what the addon is built from (binding.gyp and native/), recorded with a successful
 * build so the tests can tell a stale binary from a fresh one without trusting file times.
 */
export function sourcesHash(root) {
  const hash = createHash('sha256');
  const files = [
    'binding.gyp',
    ...readdirSync(join(root, 'native'))
      .sort()
      .map((f) => `native/${f}`),
  ];
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

function record(status) {
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(STATUS, `${JSON.stringify({ ...status, date: new Date().toISOString() })}\n`);
}

function unavailable(reason) {
  record({ built: false, reason });
  process.stderr.write(
    `modelspec: native kernels not built (${reason}); modelspec will run on its WebAssembly kernels.\n`,
  );
}

/** npm sets npm_config_node_gyp in scripts; otherwise the copy inside npm next to this node. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ),
  ];
  return candidates.find((path) => path && existsSync(path));
}

/**
 * Node's headers: npm's nodedir when set, else the ones installed with this node. Without
 * either, node-gyp would try to download them, so the build is not attempted.
 */
function findNodedir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include/node/node_api.h'))) return configured;
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include/node/node_api.h'))) return prefix;
  return undefined;
}

/** The first line of the compiler's output that says what went wrong. */
function firstError(output) {
  const lines = output.split('\n').map((line) => line.trim());
  const pattern = /error|not found|No such file|cannot|command failed/i;
  return lines.find((line) => pattern.test(line) && !line.startsWith('gyp info')) ?? null;
}

function build() {
  if (process.env.MODELSPEC_NATIVE_BUILD === 'skip') {
    unavailable('skipped: MODELSPEC_NATIVE_BUILD=skip during install');
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    unavailable('node-gyp not found: run the build through npm (npm run build:native)');
    return;
  }
  const nodedir = findNodedir();
  if (!nodedir) {
    unavailable('Node.js headers (include/node/node_api.h) not found; set npm_config_nodedir');
    return;
  }
  const started = Date.now();
  const sources = sourcesHash(ROOT);
  const result = spawnSync(
    process.execPath,
    [nodeGyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs=max'],
    { cwd: ROOT, encoding: 'utf8', timeout: 10 * 60e3, env: { ...process.env } },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(LOG, output);
  if (result.status !== 0 || !existsSync(ADDON)) {
    const why =
      result.error?.message ??
      firstError(output) ??
      `node-gyp exited with status ${result.status ?? result.signal}`;
    unavailable(`${why}; the full output is in build/native-build.log`);
    return;
  }
  record({ built: true, seconds: (Date.now() - started) / 1000, sources });
  process.stderr.write(
    `modelspec: native kernels built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) build();
