import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadWasmKernels, type WasmKernels } from '../../src/kernels/wasm/instance.js';

/** Where npm run build writes the compiled kernels (the Node platform reads them there). */
const KERNELS_WASM_URL = new URL('../../dist/wasm/kernels.wasm', import.meta.url);

const sources = new URL('../../src/kernels/wasm/assembly/', import.meta.url);
const buildScript = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));

/**
 * Rebuilds dist/wasm/kernels.wasm when it is missing or older than its AssemblyScript sources or
 * the build script, so tests never run a stale binary.
 */
export function ensureWasmBuilt(): void {
  const built = mtime(KERNELS_WASM_URL);
  const inputs = readdirSync(sources).map((f) => mtime(new URL(f, sources)));
  const newest = Math.max(mtime(buildScript), ...inputs);
  if (built < newest) execFileSync(process.execPath, [buildScript], { stdio: 'inherit' });
}

function mtime(file: URL | string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The wasm kernels, built first if needed; throws when this Node cannot run them. */
export function builtWasmKernels(): WasmKernels {
  ensureWasmBuilt();
  const kernels = loadWasmKernels();
  if (kernels === null)
    throw new Error('wasm kernels unavailable: dist/wasm/kernels.wasm not built');
  return kernels;
}
