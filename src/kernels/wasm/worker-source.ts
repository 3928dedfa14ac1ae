/**
 * Body of a kernel worker thread, a script that finds its start-up data in `workerData` (the
 * platform's startWorker defines it: Node's runs it with `new Worker(source, { eval: true })`,
 * so the same code works from src/ under tsx/vitest and from dist/).
 *
 * The worker instantiates the kernels module on the shared memory, marks itself ready, then
 * loops: wait for its job number to move, claim the job (unless the caller already has), run
 * blocks from the shared counter until none is left, publish the job number as done (negated
 * if the kernel threw) and notify. Layout: see pool.ts.
 */
export const WORKER_SOURCE = `
const { module, memory, control, index, scratch, layout } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const functions = [kernels.gemmBlock, kernels.linearBlock, kernels.sgdBlock];
const ints = new Int32Array(control);
const words = layout.wordsPerWorker * index;
const seqAt = words + layout.seq;
const doneAt = words + layout.done;
const claimAt = words + layout.claim;
const job = new Float64Array(control, layout.argsByte, layout.jobLength);
Atomics.store(ints, words + layout.ready, 1);
Atomics.notify(ints, words + layout.ready);
let seen = 0;
for (;;) {
  Atomics.wait(ints, seqAt, seen);
  seen = Atomics.load(ints, seqAt);
  const before = Atomics.load(ints, claimAt);
  if (before === seen || Atomics.compareExchange(ints, claimAt, before, seen) !== before) continue;
  let status = seen;
  try {
    const run = functions[job[9]];
    const [byColumns, size, count, m, n] = [job[10], job[11], job[12], job[13], job[14]];
    const extent = byColumns ? n : m;
    for (let b = Atomics.add(ints, layout.next, 1); b < count; b = Atomics.add(ints, layout.next, 1)) {
      const start = b * size;
      const end = Math.min(extent, start + size);
      const [r0, r1, c0, c1] = byColumns ? [0, m, start, end] : [start, end, 0, n];
      run(job[0], job[1], job[2], job[3], job[4], job[5], job[6], job[7], job[8], scratch, r0, r1, c0, c1, job[15]);
      Atomics.add(ints, layout.workerBlocks, 1);
    }
  } catch (err) {
    status = -seen;
  }
  Atomics.store(ints, doneAt, status);
  Atomics.notify(ints, doneAt);
}
`;
