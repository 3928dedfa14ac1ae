// Compiles the AssemblyScript kernels (src/kernels/wasm/assembly) to dist/wasm/kernels.wasm.
// Runs as part of `npm run build`, hence during `npm ci` / `npm pack` via `prepare`; the
// binary is never committed.
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src/kernels/wasm/assembly/index.ts');
const outFile = join(root, 'dist/wasm/kernels.wasm');

// Write-then-rename, so a concurrent reader (parallel test workers) never sees a partial file.
const tmpFile = `${outFile}.${process.pid}.tmp`;

mkdirSync(dirname(outFile), { recursive: true });
const { error, stderr } = await asc.main([
  entry,
  '--outFile',
  tmpFile,
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--enable',
  'simd,threads',
  // Memory comes from JavaScript, shared, so worker threads can run on the same operands.
  '--importMemory',
  '--sharedMemory',
  '--maximumMemory',
  '65536',
]);
if (error) {
  process.stderr.write(stderr.toString());
  process.stderr.write(`build-wasm: ${error.message}\n`);
  process.exit(1);
}
renameSync(tmpFile, outFile);
