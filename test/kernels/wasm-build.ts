import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KERNELS_WASM_URL } from '../../src/kernels/wasm/instance.js';

const sources = new URL('../../src/kernels/wasm/assembly/', import.meta.url);
const buildScript = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));

/** Rebuilds dist/wasm/kernels.wasm when it is missing or older than its AssemblyScript sources. */
export function ensureWasmBuilt(): void {
  const built = mtime(KERNELS_WASM_URL);
  const newest = Math.max(...readdirSync(sources).map((f) => mtime(new URL(f, sources))));
  if (built < newest) execFileSync(process.execPath, [buildScript], { stdio: 'inherit' });
}

function mtime(url: URL): number {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
}
