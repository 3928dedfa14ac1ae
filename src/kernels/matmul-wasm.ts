import { type MatmulKernel, matmulReference } from './matmul.js';
import { loadWasmKernels } from './wasm/instance.js';
import { PARALLEL_MIN_FLOPS, type WasmKernelOptions } from './wasm/options.js';
import { BlockKernel, sharedWorkerPool, WorkerPool } from './wasm/pool.js';

/**
 * The WebAssembly SIMD matmul (src/kernels/wasm/assembly/gemm.ts) behind the MatmulKernel
 * contract, or null when wasm SIMD or the built module is unavailable.
 *
 * Operands that are not resident in wasm memory are copied in and the result copied back:
 * O(m·k + k·n + m·n) copies against O(m·k·n) work. It computes in fp32, so Float64Array/Int32Array operands go to the
 * reference kernel instead (float64 gradient checks keep their precision).
 */
export function createWasmMatmul({ threads = 1 }: WasmKernelOptions = {}): MatmulKernel | null {
  const kernels = loadWasmKernels();
  if (kernels === null) return null;
  const { gemmBlock, packAllA, packedAllABytes } = kernels.exports;
  return (a, b, out, m, k, n, transA, transB, accumulate) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      matmulReference(a, b, out, m, k, n, transA, transB, accumulate);
      return;
    }
    const aLen = m * k;
    const bLen = k * n;
    const cLen = m * n;
    if (a.length < aLen || b.length < bLen || out.length < cLen) {
      throw new RangeError(
        `matmul(wasm): m=${m} k=${k} n=${n} needs a>=${aLen}, b>=${bLen}, out>=${cLen} ` +
          `elements, got ${a.length}, ${b.length}, ${out.length}`,
      );
    }
    const threaded = threads > 1 && 2 * m * k * n >= PARALLEL_MIN_FLOPS;
    const prepack = threaded && WorkerPool.splitsByColumns(m, n);
    const [aOff, bOff, cOff, packedOff] = kernels.place(
      [a, b, out, null],
      [aLen, bLen, cLen, prepack ? packedAllABytes(m, k) / 4 : 0],
      [true, true, accumulate, false],
    );
    if (threaded) {
      if (prepack) packAllA(aOff, m, k, transA, packedOff);
      // The pool starts on the first call big enough to use it: small models never start a thread.
      sharedWorkerPool(kernels, threads - 1).run(
        BlockKernel.gemm,
        [aOff, bOff, cOff, m, k, n, +transA, +transB, +accumulate],
        m,
        n,
        threads,
        prepack ? packedOff : 0,
      );
    } else {
      gemmBlock(
        aOff,
        bOff,
        cOff,
        m,
        k,
        n,
        transA,
        transB,
        accumulate,
        kernels.scratch(0),
        0,
        m,
        0,
        n,
        0,
      );
    }
    kernels.fetch(out, cLen, cOff);
  };
}
