/**
 * Steady-state memory of training through the plan: runs `steps` SGD steps of a workload on one
 * batch (as fit does: zeroGrad in place, loss, backward, step) and prints RSS and heap every
 * tenth of the run, so a leak shows as growth.
 * Run: npx tsx bench/plan-memory.ts medium 100000
 */
import { backward, compileFile, SGD } from '../src/index.js';
import { fixedInputs, workload, workloadSpecPath } from './workloads.js';

const [name = 'medium', stepsArg = '100000'] = process.argv.slice(2);
const steps = Number(stepsArg);
const model = compileFile(workloadSpecPath(workload(name).name));
const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const batch = fixedInputs(workload(name));
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
