/**
 * Options of the wasm kernel factories: createWasmMatmul, createWasmLinear and
 * createWasmSgdUpdate.
 */
export interface WasmKernelOptions {
  /**
   * Threads per call, counting the caller (default 1). Above 1, large calls split their output
   * rows with worker threads; results are bit-identical to one thread. Workers start in the
   * background, so the first calls after creation may still run on one thread.
   */
  threads?: number;
}

/**
 * Calls below this many flops (2·m·k·n) stay on one thread: waking a worker costs tens of
 * microseconds, a 64×64×64 product about as much.
 */
export const PARALLEL_MIN_FLOPS = 2 * 96 * 96 * 96;
