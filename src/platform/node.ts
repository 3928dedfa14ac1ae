import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from 'ajv/dist/2020.js';
import type { LoadedNative, NativeAddon } from '../kernels/native/addon.js';
import { type FileRead, type Platform, setPlatform } from './index.js';

// The Node host: files from disk, the wasm module and the native addon built at install (in
// dist/ and build/ of the package), worker_threads, os, crypto, and the schema with its
// precompiled validator.

/** The package root: two levels up both from src/platform and dist/platform. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The addon, the precompiled validator and ajv are CommonJS.
const require = createRequire(import.meta.url);

const ADDON = 'build/Release/modelspec_native.node';
/** Written by native/build.mjs, the install script, whether the build worked or not. */
const BUILD_STATUS = 'build/native-status.json';

/**
 * Loads the addon built under `root` (a package root). Never throws: a missing or broken addon
 * gives `addon: null` and a status with the reason.
 */
export function loadNativeFrom(root: string): LoadedNative {
  const path = join(root, ADDON);
  if (!existsSync(path))
    return { addon: null, status: { available: false, reason: notBuilt(root) } };
  let addon: NativeAddon;
  try {
    addon = require(path) as NativeAddon;
  } catch (err) {
    const reason = `${ADDON} did not load: ${(err as Error).message}`;
    return { addon: null, status: { available: false, reason } };
  }
  return { addon, status: { available: true, isa: addon.info().isa, path } };
}

function notBuilt(root: string): string {
  const statusFile = join(root, BUILD_STATUS);
  if (existsSync(statusFile)) {
    try {
      const recorded = JSON.parse(readFileSync(statusFile, 'utf8')) as { reason?: unknown };
      if (typeof recorded.reason === 'string') {
        return `the native kernels did not build at install: ${recorded.reason}`;
      }
    } catch {
      // An unreadable record says no more than a missing one.
    }
  }
  return `${ADDON} is missing: the install did not build it (npm run build:native builds it)`;
}

const SCHEMA_PATH = join(PACKAGE_ROOT, 'schema/modelspec.schema.json');
/** Made by scripts/build-schema-validator.mjs at build time. */
const PRECOMPILED_PATH = join(PACKAGE_ROOT, 'dist/spec/schema-validator.cjs');
const WASM_PATH = join(PACKAGE_ROOT, 'dist/wasm/kernels.wasm');

let schemaText: string | undefined;
let schema: Record<string, unknown> | undefined;
let validator: ValidateFunction | undefined;

function readSchemaText(): string {
  schemaText ??= readFileSync(SCHEMA_PATH, 'utf8');
  return schemaText;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The build's standalone validator, if there is one made from the schema as it is now. */
function precompiledValidator(): ValidateFunction | undefined {
  if (!existsSync(PRECOMPILED_PATH)) return undefined;
  const loaded = require(PRECOMPILED_PATH) as ValidateFunction & { schemaHash?: string };
  return loaded.schemaHash === sha256(readSchemaText()) ? loaded : undefined;
}

function readFile(path: string, maxBytes: number): FileRead {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return { problem: 'folder', message: `'${path}' is a folder` };
    if (stats.size > maxBytes) return { problem: 'tooLarge', size: stats.size };
    return { bytes: readFileSync(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    return { problem: missing ? 'missing' : 'unreadable', message: (error as Error).message };
  }
}

export const nodePlatform: Platform = {
  name: 'node',
  cpus: () => availableParallelism(),
  env: (name) => process.env[name],
  wasmKernels() {
    try {
      return { bytes: readFileSync(WASM_PATH) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return { missing: `${WASM_PATH} is missing (npm run build makes it)` };
      }
      throw err;
    }
  },
  startWorker(source, data) {
    // Idle workers must not keep the process alive.
    const script = `const { workerData } = require('node:worker_threads');\n${source}`;
    new Worker(script, { eval: true, workerData: data }).unref();
  },
  nativeAddon: () => loadNativeFrom(PACKAGE_ROOT),
  readFile,
  sha256,
  specSchema() {
    schema ??= JSON.parse(readSchemaText()) as Record<string, unknown>;
    return schema;
  },
  /**
   * Ajv in strict mode, every error collected: the build's precompiled validator when it
   * matches the schema (starting the CLI then costs no compilation), else compiled on first use.
   */
  specValidator() {
    validator ??= precompiledValidator();
    if (validator === undefined) {
      const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
      const ajv = new Ajv2020({
        strict: true,
        allErrors: true,
        verbose: true,
        allowUnionTypes: true,
      });
      validator = ajv.compile(nodePlatform.specSchema());
    }
    return validator;
  },
};

setPlatform(nodePlatform);
