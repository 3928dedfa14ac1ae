/**
 * Micro-benchmark of the compiled execution plan: training steps per second (zeroGrad, loss,
 * backward, SGD with momentum) of the four bench/workloads specs with the plan on and off.
 * Run: npx tsx bench/plan-steps.ts [tiny small medium large] [--seconds 2] [--threads N]
 * [--reference] (--threads sets the kernel threads; --reference runs every product on the plain
 * TypeScript kernel instead of WebAssembly).
 */
import { fileURLToPath } from 'node:url';
import { backward, compileFile, Rng, SGD, setKernelThreads, Tensor } from '../src/index.js';
import { setMatmulKernel } from '../src/kernels/backend.js';
import { matmulReference } from '../src/kernels/matmul.js';

const WORKLOADS = ['tiny', 'small', 'medium', 'large'];

function syntheticBatch(model: ReturnType<typeof compileFile>, batch: number, rng: Rng) {
  const given: Record<string, Tensor> = {};
  for (const input of model.graph.inputs) {
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const n = shape.reduce((a, b) => a * b, 1);
    given[input.name] =
      input.dtype === 'int32'
        ? new Tensor(
            Int32Array.from({ length: n }, () => rng.int(3)),
            shape,
          )
        : input.name === 'y'
          ? new Tensor(
              Float32Array.from({ length: n }, () => rng.int(2)),
              shape,
            )
          : new Tensor(
              Float32Array.from({ length: n }, () => rng.normal()),
              shape,
            );
  }
  return given;
}

/**
 * Steps per wall-clock second and per CPU second (steadier on a shared machine) over about
 * `seconds`, after a warm-up; each case is built in a fresh call.
 */
function measure(name: string, plan: boolean, seconds: number): { wall: number; cpu: number } {
  const path = fileURLToPath(new URL(`workloads/${name}.yaml`, import.meta.url));
  const model = compileFile(path).usePlan(plan);
  const train = model.graph.train;
  const sgd = train?.optimizer?.sgd;
  const optimizer = new SGD(model.parameters(), { lr: sgd?.lr ?? 0.01, momentum: sgd?.momentum });
  const batch = syntheticBatch(model, train?.batch_size ?? 32, new Rng(1));
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
const chosen = args.filter((a) => WORKLOADS.includes(a));
for (const name of chosen.length > 0 ? chosen : WORKLOADS) {
  const off = measure(name, false, seconds);
  const on = measure(name, true, seconds);
  const f = (v: number) => v.toFixed(1).padStart(9);
  console.log(
    `${name.padEnd(7)} steps/s (wall, cpu)  interpreter ${f(off.wall)} ${f(off.cpu)}   plan ${f(on.wall)} ${f(on.cpu)}   x${(on.cpu / off.cpu).toFixed(2)}`,
  );
}
