/**
 * Micro-benchmark of the compiled execution plan: training steps per second (zeroGrad, loss,
 * backward, SGD with momentum) of the four bench/workloads specs with the plan on and off.
 * Run: npx tsx bench/plan-steps.ts [tiny small medium large] [--seconds 2] [--threads N]
 * [--reference] (--threads sets the kernel threads; --reference runs every product on the plain
 * TypeScript kernel instead of WebAssembly).
 */
import { backward, compileFile, SGD, setKernelThreads } from '../src/index.js';
import { setMatmulKernel } from '../src/kernels/backend.js';
import { matmulReference } from '../src/kernels/matmul.js';
import { fixedInputs, WORKLOADS, workload, workloadSpecPath } from './workloads.js';

/**
 * Steps per wall-clock second and per CPU second (steadier on a shared machine) over about
 * `seconds`, after a warm-up; each case is built in a fresh call.
 */
function measure(name: string, plan: boolean, seconds: number): { wall: number; cpu: number } {
  const model = compileFile(workloadSpecPath(workload(name).name)).usePlan(plan);
  const train = model.graph.train;
  const sgd = train?.optimizer?.sgd;
  const optimizer = new SGD(model.parameters(), { lr: sgd?.lr ?? 0.01, momentum: sgd?.momentum });
  const batch = fixedInputs(workload(name));
  const step = () => {
    optimizer.zeroGrad({ setToNone: false });
    backward(model.loss(batch));
    optimizer.step();
  };
  const warm = performance.now();
  while (performance.now() - warm < seconds * 250) step();
  let steps = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let now = start;
  while (now - start < seconds * 1000) {
    step();
    steps++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    wall: (steps * 1000) / (now - start),
    cpu: (steps * 1e6) / (cpu.user + cpu.system),
  };
}

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 2;
const threadsAt = args.indexOf('--threads');
if (threadsAt >= 0) setKernelThreads(Number(args[threadsAt + 1]));
if (args.includes('--reference')) setMatmulKernel(matmulReference);
const names = WORKLOADS.map((w) => w.name as string);
const chosen = args.filter((a) => names.includes(a));
for (const name of chosen.length > 0 ? chosen : names) {
  const off = measure(name, false, seconds);
  const on = measure(name, true, seconds);
  const f = (v: number) => v.toFixed(1).padStart(9);
  console.log(
    `${name.padEnd(7)} steps/s (wall, cpu)  interpreter ${f(off.wall)} ${f(off.cpu)}   plan ${f(on.wall)} ${f(on.cpu)}   x${(on.cpu / off.cpu).toFixed(2)}`,
  );
}
