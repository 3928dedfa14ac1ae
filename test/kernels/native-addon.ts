import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module script without type declarations
import { sourcesHash } from '../../native/build.mjs';
import { loadNativeAddon, type NativeAddon, nativeStatus } from '../../src/kernels/native/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

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
  const recorded = JSON.parse(readFileSync(`${root}build/native-status.json`, 'utf8'));
  if (recorded.sources !== (sourcesHash as (root: string) => string)(root)) {
    throw new Error('native/ changed since the addon was built: npm run build:native');
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
