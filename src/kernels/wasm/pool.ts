import { Worker } from 'node:worker_threads';
import type { WasmKernels } from './instance.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Block kernels a job can run; values index the worker's function table. */
export const BlockKernel = { gemm: 0, linear: 1 } as const;
export type BlockKernel = (typeof BlockKernel)[keyof typeof BlockKernel];

/**
 * The nine leading arguments of gemmBlock / linearBlock (booleans as 0/1), before the scratch
 * area and the block's rows and columns.
 */
export type BlockArgs = [number, number, number, number, number, number, number, number, number];
type BlockFunction = (...args: [...BlockArgs, number, number, number, number, number]) => void;

/**
 * Control block (a SharedArrayBuffer). Per worker i, int32 words at 4i: SEQ (job number posted
 * to it), READY, DONE (last job it finished, negated if the kernel threw), CLAIM (last job
 * number claimed, by the worker or by the caller); from argsByte, per worker 14 float64s: the 9
 * kernel arguments, rowStart, rowEnd, colStart, colEnd, kernel id. Each worker has its own job number, so a
 * worker is only woken for work it was given.
 */
const LAYOUT = {
  seq: 0,
  ready: 1,
  done: 2,
  claim: 3,
  wordsPerWorker: 4,
  argsPerWorker: 14,
  argsByte: 1024,
} as const;
const WAIT_SLICE_MS = 1000;
/** Splits fall on multiples of the micro-kernel's register tile: 4 rows, 8 columns. */
const ROW_QUANTUM = 4;
const COLUMN_QUANTUM = 8;

/**
 * Worker threads that run blocks of wasm kernels on the shared memory, so one call's output
 * is split between the calling thread and the workers. Each element is computed by exactly
 * one thread with the same operation order as a single-threaded call: results are bit-identical.
 *
 * A posted block is claimed (compare-and-swap on CLAIM) by whichever comes first: its worker,
 * or the caller once it has finished its own range. So a worker that is descheduled, still
 * starting, or dead never makes the caller wait; the caller only waits for ranges a running
 * worker has claimed.
 */
export class WorkerPool {
  private readonly control: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly args: Float64Array;
  private readonly functions: BlockFunction[];
  private readonly workers: Worker[] = [];
  private readonly capacity: number;
  private seq = 0;
  /** Blocks run by workers and blocks the caller took back, for tests and benchmarks. */
  readonly counts = { byWorkers: 0, takenBack: 0 };

  constructor(
    private readonly kernels: WasmKernels,
    private readonly source: string = WORKER_SOURCE,
  ) {
    this.capacity = kernels.scratchAreas - 1;
    this.control = new SharedArrayBuffer(
      LAYOUT.argsByte + 8 * LAYOUT.argsPerWorker * this.capacity,
    );
    this.ints = new Int32Array(this.control);
    this.args = new Float64Array(this.control, LAYOUT.argsByte);
    const { gemmBlock, linearBlock } = kernels.exports;
    this.functions = [gemmBlock, linearBlock] as unknown as BlockFunction[];
  }

  /** Starts workers until there are `count` (at most one per spare scratch area). */
  grow(count: number): void {
    while (this.workers.length < Math.min(count, this.capacity)) {
      const index = this.workers.length;
      const worker = new Worker(this.source, {
        eval: true,
        workerData: {
          module: this.kernels.module,
          memory: this.kernels.memory,
          control: this.control,
          index,
          scratch: this.kernels.scratch(index + 1),
          layout: LAYOUT,
        },
      });
      // Idle workers must not keep the process alive.
      worker.unref();
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Indices of workers that have finished instantiating; only they get jobs, so no call waits on start-up. */
  private readyWorkers(): number[] {
    const ready: number[] = [];
    for (let i = 0; i < this.workers.length; i++) {
      if (Atomics.load(this.ints, i * LAYOUT.wordsPerWorker + LAYOUT.ready) === 1) ready.push(i);
    }
    return ready;
  }

  /** Blocks until every worker is ready or `timeoutMs` passes; returns the ready count. */
  waitUntilReady(timeoutMs = 10_000): number {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < this.workers.length; i++) {
      const at = i * LAYOUT.wordsPerWorker + LAYOUT.ready;
      while (Atomics.load(this.ints, at) !== 1 && Date.now() < deadline) {
        Atomics.wait(this.ints, at, 0, Math.max(1, deadline - Date.now()));
      }
    }
    return this.readyWorkers().length;
  }

  /**
   * Runs `kernel` over the m×n output, split into at most `parts` blocks: the calling thread
   * takes the first, ready workers the others. The split is by columns when n > m (each
   * thread then packs only its columns of B; a row split would have every thread pack all of
   * it), else by rows.
   */
  run(kernel: BlockKernel, args: BlockArgs, m: number, n: number, parts: number): void {
    const run = this.functions[kernel];
    const scratch = this.kernels.scratch(0);
    const byColumns = n > m;
    const extent = byColumns ? n : m;
    const quantum = byColumns ? COLUMN_QUANTUM : ROW_QUANTUM;
    const ready = this.readyWorkers();
    const helpers = ready.slice(
      0,
      Math.max(0, Math.min(parts - 1, Math.ceil(extent / quantum) - 1)),
    );
    if (helpers.length === 0) {
      run(...args, scratch, 0, m, 0, n);
      return;
    }
    const chunk = Math.ceil(extent / (helpers.length + 1) / quantum) * quantum;
    const block = (index: number): [number, number, number, number] => {
      const start = Math.min(extent, chunk * index);
      const end = Math.min(extent, chunk * (index + 1));
      return byColumns ? [0, m, start, end] : [start, end, 0, n];
    };
    const seq = ++this.seq;
    helpers.forEach((worker, h) => {
      const at = worker * LAYOUT.argsPerWorker;
      this.args.set(args, at);
      this.args.set(block(h + 1), at + 9);
      this.args[at + 13] = kernel;
      const seqAt = worker * LAYOUT.wordsPerWorker + LAYOUT.seq;
      Atomics.store(this.ints, seqAt, seq);
      Atomics.notify(this.ints, seqAt);
    });
    run(...args, scratch, ...block(0));
    helpers.forEach((worker, h) => {
      if (this.claim(worker, seq)) {
        this.counts.takenBack++;
        run(...args, scratch, ...block(h + 1));
      } else {
        this.counts.byWorkers++;
        this.join(worker, seq);
      }
    });
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
