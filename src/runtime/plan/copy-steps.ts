import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps } from './types.js';

/** identity, reshape and flatten: the same numbers in row-major order, copied. */
export function copySteps(env: NodeEnv): NodeSteps {
  const x = env.inputs[0];
  const out = env.out;
  const forward = [() => out.set(x)];
  const g = env.outGrad;
  const gx = env.inGrads[0];
  if (g === null || gx === null) return { forward, backward: [] };
  const t = gradTarget(gx, env.accumulate[0], env.scratch);
  return {
    forward,
    backward: [
      () => {
        t.dst.set(g);
        t.finish();
      },
    ],
  };
}

export const COPY_OPS = ['identity', 'reshape', 'flatten'];
