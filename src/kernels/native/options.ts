import { platform } from '../../platform/index.js';

/** Options of the native kernel factories (createNativeMatmul, createNativeLinear, ...). */
export interface NativeKernelOptions {
  /**
   * Threads per call, counting the caller (default: one per CPU, at most 4). Large calls split
   * their output into blocks between a persistent pool of threads; every element is computed
   * the same way whatever the count, so results are bit-identical to one thread's.
   */
  threads?: number;
}

/** One thread per CPU, up to four (as the wasm kernels). */
export function defaultNativeThreads(): number {
  return Math.max(1, Math.min(platform().cpus(), 4));
}

/** The thread count of `options` (default: defaultNativeThreads()), checked. */
export function threadsOf(options: NativeKernelOptions): number {
  for (const key of Object.keys(options)) {
    if (key !== 'threads')
      throw new TypeError(`native kernels: unknown option '${key}' (known: threads)`);
  }
  const { threads = defaultNativeThreads() } = options;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`native kernels: threads must be a whole number >= 1, got ${threads}`);
  }
  return threads;
}
