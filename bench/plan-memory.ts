/**
 * Steady-state memory of training through the plan: runs `steps` SGD steps of a workload on one
 * batch (as fit does: zeroGrad in place, loss, backward, step) and prints RSS and heap every
 * tenth of the run, so a leak shows as growth.
 * Run: npx tsx bench/plan-memory.ts medium 100000
 */
import { fileURLToPath } from 'node:url';
import { backward, compileFile, Rng, SGD, Tensor } from '../src/index.js';

const [name = 'medium', stepsArg = '100000'] = process.argv.slice(2);
const steps = Number(stepsArg);
const model = compileFile(fileURLToPath(new URL(`workloads/${name}.yaml`, import.meta.url)));
const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const rng = new Rng(1);
const size = model.graph.train?.batch_size ?? 32;
const batch: Record<string, Tensor> = {};
for (const input of model.graph.inputs) {
  const shape = input.shape.map((d) => (typeof d === 'number' ? d : size));
  const n = shape.reduce((a, b) => a * b, 1);
  batch[input.name] =
    input.dtype === 'int32'
      ? new Tensor(
          Int32Array.from({ length: n }, () => rng.int(3)),
          shape,
        )
      : new Tensor(
          Float32Array.from({ length: n }, () => rng.int(2)),
          shape,
        );
}
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const start = performance.now();
for (let step = 1; step <= steps; step++) {
  optimizer.zeroGrad({ setToNone: false });
  backward(model.loss(batch));
  optimizer.step();
  if (step % Math.max(1, Math.floor(steps / 10)) === 0) {
    const { rss, heapUsed } = process.memoryUsage();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    console.log(`${name} step ${step}: rss ${mb(rss)} MB, heap ${mb(heapUsed)} MB, ${seconds} s`);
  }
}
