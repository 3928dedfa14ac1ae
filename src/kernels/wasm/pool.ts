import { Worker } from 'node:worker_threads';
import type { WasmKernels } from './instance.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Row-range kernels a job can run; values index the worker's function table. */
export const RowKernel = { gemm: 0, linear: 1 } as const;
export type RowKernel = (typeof RowKernel)[keyof typeof RowKernel];

/** The nine leading arguments of gemmRows / linearRows (booleans as 0/1), before scratch and rows. */
export type RowArgs = [number, number, number, number, number, number, number, number, number];
type RowFunction = (...args: [...RowArgs, number, number, number]) => void;

/**
 * Control block (a SharedArrayBuffer). Per worker i, int32 words at 4i: SEQ (job number posted
 * to it), READY, DONE (last job it finished, negated if the kernel threw), CLAIM (last job
 * number claimed, by the worker or by the caller); from argsByte, per worker 12 float64s: the 9
 * kernel arguments, rowStart, rowEnd, kernel id. Each worker has its own job number, so a
 * worker is only woken for work it was given.
 */
const LAYOUT = {
  seq: 0,
  ready: 1,
  done: 2,
  claim: 3,
  wordsPerWorker: 4,
  argsPerWorker: 12,
  argsByte: 1024,
} as const;
const WAIT_SLICE_MS = 1000;
/** Rows are split on multiples of the micro-kernel's register tile height. */
const ROW_QUANTUM = 4;

/**
 * Worker threads that run row ranges of wasm kernels on the shared memory, so one call's output
 * rows are split between the calling thread and the workers. Each element is computed by exactly
 * one thread with the same operation order as a single-threaded call: results are bit-identical.
 *
 * A posted range is claimed (compare-and-swap on CLAIM) by whichever comes first: its worker,
 * or the caller once it has finished its own range. So a worker that is descheduled, still
 * starting, or dead never makes the caller wait; the caller only waits for ranges a running
 * worker has claimed.
 */
export class WorkerPool {
  private readonly control: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly args: Float64Array;
  private readonly functions: RowFunction[];
  private readonly workers: Worker[] = [];
  private readonly capacity: number;
  private seq = 0;
  /** Ranges run by workers and ranges the caller took back, for tests and benchmarks. */
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
    const { gemmRows, linearRows } = kernels.exports;
    this.functions = [gemmRows, linearRows] as unknown as RowFunction[];
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
   * Runs `kernel(args, scratch, rowStart, rowEnd)` over rows [0, m), split into at most `parts`
   * contiguous ranges: the calling thread takes the first, ready workers the others.
   */
  runRows(kernel: RowKernel, args: RowArgs, m: number, parts: number): void {
    const run = this.functions[kernel];
    const ready = this.readyWorkers();
    const helpers = ready.slice(
      0,
      Math.max(0, Math.min(parts - 1, Math.ceil(m / ROW_QUANTUM) - 1)),
    );
    if (helpers.length === 0) {
      run(...args, this.kernels.scratch(0), 0, m);
      return;
    }
    const chunk = Math.ceil(m / (helpers.length + 1) / ROW_QUANTUM) * ROW_QUANTUM;
    const seq = ++this.seq;
    helpers.forEach((worker, h) => {
      const at = worker * LAYOUT.argsPerWorker;
      this.args.set(args, at);
      this.args[at + 9] = Math.min(m, chunk * (h + 1));
      this.args[at + 10] = Math.min(m, chunk * (h + 2));
      this.args[at + 11] = kernel;
      const seqAt = worker * LAYOUT.wordsPerWorker + LAYOUT.seq;
      Atomics.store(this.ints, seqAt, seq);
      Atomics.notify(this.ints, seqAt);
    });
    run(...args, this.kernels.scratch(0), 0, Math.min(m, chunk));
    helpers.forEach((worker, h) => {
      if (this.claim(worker, seq)) {
        this.counts.takenBack++;
        run(
          ...args,
          this.kernels.scratch(0),
          Math.min(m, chunk * (h + 1)),
          Math.min(m, chunk * (h + 2)),
        );
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
