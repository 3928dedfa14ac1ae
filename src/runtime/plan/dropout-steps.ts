import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps } from './types.js';

/**
 * Inverted dropout drawing its mask from the model's generator in the interpreter's order (one
 * uniform per element); in eval mode (or p = 0) a copy. The mask is kept for the backward pass.
 */
export function dropoutSteps(env: NodeEnv): NodeSteps {
  const x = env.inputs[0];
  const out = env.out as Float32Array;
  const p = (env.node.attrs.p as number | null) ?? 0.5;
  const mask = env.scratch(out.length);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const context = env.context;
  let active = false;
  const forward = [
    () => {
      active = context.training && p !== 0;
      if (!active) {
        out.set(x);
        return;
      }
      const rng = context.rng;
      for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() >= p ? scale : 0;
      for (let i = 0; i < out.length; i++) out[i] = x[i] * mask[i];
    },
  ];
  const g = env.outGrad;
  const gx = env.inGrads[0];
  if (g === null || gx === null) return { forward, backward: [] };
  const t = gradTarget(gx, env.accumulate[0], env.scratch);
  const dst = t.dst;
  return {
    forward,
    backward: [
      () => {
        if (active) for (let i = 0; i < dst.length; i++) dst[i] = g[i] * mask[i];
        else dst.set(g);
        t.finish();
      },
    ],
  };
}
