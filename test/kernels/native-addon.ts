import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadNativeAddon, type NativeAddon, nativeStatus } from '../../src/kernels/native/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = `${root}native/`;
const built = `${root}build/Release/modelspec_native.node`;

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The built addon, or an error that says why not: these tests need it (`npm ci` builds it; CI
 * has a compiler), and a binary older than native/ would test stale code.
 */
export function requireNativeAddon(): NativeAddon {
  const addon = loadNativeAddon();
  if (addon === null) {
    const status = nativeStatus();
    const reason = status.available ? 'unknown' : status.reason;
    throw new Error(`the native kernel tests need the addon, which is unavailable: ${reason}`);
  }
  const newest = Math.max(...readdirSync(sources).map((f) => mtime(sources + f)));
  if (mtime(built) < newest) {
    throw new Error(
      'native/ is newer than build/Release/modelspec_native.node: npm run build:native',
    );
  }
  return addon;
}

/** The instruction sets this CPU runs, best first. */
export function supportedIsas(addon: NativeAddon): ('avx512' | 'avx2' | 'generic')[] {
  const order = ['avx512', 'avx2', 'generic'] as const;
  return order.slice(order.indexOf(addon.info().bestIsa));
}

/** Whether two float arrays hold the same bits (fast on large arrays, unlike toEqual). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return bytes(a).equals(bytes(b));
}
