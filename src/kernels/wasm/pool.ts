import { platform } from '../../platform/index.js';
import type { WasmKernels } from './instance.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Block kernels a job can run; values index the worker's function table. */
export const BlockKernel = { gemm: 0, linear: 1, sgd: 2 } as const;
export type BlockKernel = (typeof BlockKernel)[keyof typeof BlockKernel];

/**
 * The nine leading arguments of gemmBlock / linearBlock / sgdBlock (booleans as 0/1), before
 * the scratch area, the block's rows and columns, and the prepacked operand (0 for none;
 * sgdBlock has none and ignores it).
 */
export type BlockArgs = [number, number, number, number, number, number, number, number, number];
type BlockFunction = (
  ...args: [...BlockArgs, number, number, number, number, number, number]
) => void;

/**
 * Control block (a SharedArrayBuffer). Per worker i, int32 words at 4i: SEQ (job number posted
 * to it), READY, DONE (last job it finished, negated if the kernel threw), CLAIM (last job
 * number claimed, by the worker or by the caller). Word `next` hands out the current job's
 * blocks; word `workerBlocks` counts blocks run by workers. From argsByte, the job as 16
 * float64s: the 9 kernel arguments, kernel id, split by columns (0/1), block size, block count,
 * m, n, prepacked operand. Each worker has its own job number, so a worker is only woken for work it was given.
 */
const LAYOUT = {
  seq: 0,
  ready: 1,
  done: 2,
  claim: 3,
  wordsPerWorker: 4,
  next: 250,
  workerBlocks: 251,
  argsByte: 1024,
  jobLength: 16,
} as const;
const WAIT_SLICE_MS = 1000;
/** Blocks fall on multiples of the micro-kernel's register tile: 4 rows, 8 columns. */
const ROW_QUANTUM = 4;
const COLUMN_QUANTUM = 8;
/**
 * A row block packs its own copy of all of B, so it must be tall enough to pay for that; column
 * blocks share one packing of A (packAllA) and pack only their own columns of B, so they can
 * be thin. More blocks per thread shorten the wait for the last one (a thread that starts late
 * or is descheduled leaves more of its share to the others).
 */
const ROW_BLOCKS = { min: 64, perThread: 3 } as const;
const COLUMN_BLOCKS = { min: 32, perThread: 6 } as const;

/**
 * Worker threads that run blocks of wasm kernels on the shared memory, so one call's output
 * is split between the calling thread and the workers. Each element is computed by exactly
 * one thread with the same operation order as a single-threaded call: results are bit-identical.
 *
 * The output is cut into blocks that the caller and the woken workers take one at a time from
 * a shared counter, so a worker that starts late only does fewer blocks. A posted job is
 * claimed (compare-and-swap on CLAIM) by its worker, or by the caller once all blocks are
 * taken: a worker that is descheduled, still starting or dead never makes the caller wait; the
 * caller only waits for a worker that is running a block.
 */
export class WorkerPool {
  private readonly control: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly job: Float64Array;
  private readonly functions: BlockFunction[];
  /** Workers started so far. */
  private workers = 0;
  private readonly capacity: number;
  private seq = 0;
  /** Jobs a woken worker missed (the caller had taken every block first), for tests. */
  missedJobs = 0;

  constructor(
    private readonly kernels: WasmKernels,
    private readonly source: string = WORKER_SOURCE,
  ) {
    this.capacity = kernels.scratchAreas - 1;
    this.control = new SharedArrayBuffer(LAYOUT.argsByte + 8 * LAYOUT.jobLength);
    this.ints = new Int32Array(this.control);
    this.job = new Float64Array(this.control, LAYOUT.argsByte, LAYOUT.jobLength);
    const { gemmBlock, linearBlock, sgdBlock } = kernels.exports;
    this.functions = [gemmBlock, linearBlock, sgdBlock] as unknown as BlockFunction[];
  }

  /** Starts workers until there are `count` (at most one per spare scratch area). */
  grow(count: number): void {
    while (this.workers < Math.min(count, this.capacity)) {
      const index = this.workers;
      platform().startWorker(this.source, {
        module: this.kernels.module,
        memory: this.kernels.memory,
        control: this.control,
        index,
        scratch: this.kernels.scratch(index + 1),
        layout: LAYOUT,
      });
      this.workers += 1;
    }
  }

  /** Indices of workers that have finished instantiating; only they get jobs, so no call waits on start-up. */
  private readyWorkers(): number[] {
    const ready: number[] = [];
    for (let i = 0; i < this.workers; i++) {
      if (Atomics.load(this.ints, i * LAYOUT.wordsPerWorker + LAYOUT.ready) === 1) ready.push(i);
    }
    return ready;
  }

  /** Blocks until every worker is ready or `timeoutMs` passes; returns the ready count. */
  waitUntilReady(timeoutMs = 10_000): number {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < this.workers; i++) {
      const at = i * LAYOUT.wordsPerWorker + LAYOUT.ready;
      while (Atomics.load(this.ints, at) !== 1 && Date.now() < deadline) {
        Atomics.wait(this.ints, at, 0, Math.max(1, deadline - Date.now()));
      }
    }
    return this.readyWorkers().length;
  }

  /** Blocks of all jobs so far that workers ran (the rest ran on the calling thread). */
  get blocksByWorkers(): number {
    return Atomics.load(this.ints, LAYOUT.workerBlocks);
  }

  /** Whether run() splits an m×n output by columns (then A should be prepacked, see run). */
  static splitsByColumns(m: number, n: number): boolean {
    return n > m;
  }

  /**
   * Runs `kernel` over the m×n output with up to `parts` threads. Blocks are column ranges when
   * n > m, else row ranges. `prepacked` is passed to every block: for a column split of a
   * product, op(A) packed by packAllA, so that no block packs it again.
   */
  run(
    kernel: BlockKernel,
    args: BlockArgs,
    m: number,
    n: number,
    parts: number,
    prepacked = 0,
  ): void {
    const run = this.functions[kernel];
    const scratch = this.kernels.scratch(0);
    const byColumns = WorkerPool.splitsByColumns(m, n);
    const extent = byColumns ? n : m;
    const quantum = byColumns ? COLUMN_QUANTUM : ROW_QUANTUM;
    const blocks = byColumns ? COLUMN_BLOCKS : ROW_BLOCKS;
    const wanted = Math.min(parts * blocks.perThread, Math.floor(extent / blocks.min));
    const helpers = wanted > 1 ? this.readyWorkers().slice(0, parts - 1) : [];
    if (helpers.length === 0) {
      run(...args, scratch, 0, m, 0, n, prepacked);
      return;
    }
    const size = Math.ceil(extent / wanted / quantum) * quantum;
    const count = Math.ceil(extent / size);
    this.job.set(args);
    this.job.set([kernel, +byColumns, size, count, m, n, prepacked], 9);
    Atomics.store(this.ints, LAYOUT.next, 0);
    const seq = ++this.seq;
    for (const worker of helpers) {
      const seqAt = worker * LAYOUT.wordsPerWorker + LAYOUT.seq;
      Atomics.store(this.ints, seqAt, seq);
      Atomics.notify(this.ints, seqAt);
    }
    for (
      let b = Atomics.add(this.ints, LAYOUT.next, 1);
      b < count;
      b = Atomics.add(this.ints, LAYOUT.next, 1)
    ) {
      const start = b * size;
      const end = Math.min(extent, start + size);
      if (byColumns) run(...args, scratch, 0, m, start, end, prepacked);
      else run(...args, scratch, start, end, 0, n, prepacked);
    }
    for (const worker of helpers) {
      if (this.claim(worker, seq)) this.missedJobs++;
      else this.join(worker, seq);
    }
  }

  /** Claims job `seq` of `worker` for the caller; false when the worker has claimed it. */
  private claim(worker: number, seq: number): boolean {
    const at = worker * LAYOUT.wordsPerWorker + LAYOUT.claim;
    const before = Atomics.load(this.ints, at);
    return before !== seq && Atomics.compareExchange(this.ints, at, before, seq) === before;
  }

  private join(worker: number, seq: number): void {
    const at = worker * LAYOUT.wordsPerWorker + LAYOUT.done;
    let status = Atomics.load(this.ints, at);
    while (Math.abs(status) !== seq) {
      Atomics.wait(this.ints, at, status, WAIT_SLICE_MS);
      status = Atomics.load(this.ints, at);
    }
    if (status < 0) throw new Error(`wasm kernel worker ${worker} failed on job ${seq}`);
  }
}

let shared: WorkerPool | undefined;

/** The process-wide pool, grown to at least `workers` workers (bounded by the scratch areas). */
export function sharedWorkerPool(kernels: WasmKernels, workers: number): WorkerPool {
  shared ??= new WorkerPool(kernels);
  shared.grow(workers);
  return shared;
}
