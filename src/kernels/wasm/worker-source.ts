/**
 * Body of a kernel worker thread, run with `new Worker(source, { eval: true })` so the same code
 * works from src/ under tsx/vitest and from dist/ (a .ts worker file could not be loaded there).
 *
 * The worker instantiates the kernels module on the shared memory, marks itself ready, then
 * loops: wait for its job number to move, claim the job (unless the caller already took it
 * back), run the block in its argument slot, publish the job number as done (negated if the
 * kernel threw) and notify. Layout: see pool.ts.
 */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, scratch, layout } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const functions = [kernels.gemmBlock, kernels.linearBlock];
const ints = new Int32Array(control);
const words = layout.wordsPerWorker * index;
const seqAt = words + layout.seq;
const doneAt = words + layout.done;
const claimAt = words + layout.claim;
const args = new Float64Array(control, layout.argsByte + index * layout.argsPerWorker * 8, layout.argsPerWorker);
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
    functions[args[13]](args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], scratch, args[9], args[10], args[11], args[12]);
  } catch (err) {
    status = -seen;
  }
  Atomics.store(ints, doneAt, status);
  Atomics.notify(ints, doneAt);
}
`;
