import { logSoftmaxBackward, softmaxAxis, softmaxBackward } from '../../kernels/softmax.js';
import { gradTarget } from './grad-write.js';
import type { NodeEnv, NodeSteps } from './types.js';

/** softmax / log_softmax along one axis, with the kernels the interpreter's ops use. */
export function softmaxSteps(env: NodeEnv): NodeSteps {
  const x = env.inputs[0];
  const out = env.out as Float32Array;
  const log = env.node.op === 'log_softmax';
  const dims = env.shape.length === 0 ? [1] : [...env.shape];
  const given = (env.node.attrs.axis as number | null) ?? -1;
  const axis = given < 0 ? given + dims.length : given;
  const forward = [() => softmaxAxis(x, dims, axis, out, log)];
  const g = env.outGrad;
  const gx = env.inGrads[0];
  if (g === null || gx === null) return { forward, backward: [] };
  const t = gradTarget(gx, env.accumulate[0], env.scratch);
  const rule = log ? logSoftmaxBackward : softmaxBackward;
  return {
    forward,
    backward: [
      () => {
        rule(g, out, dims, axis, t.dst);
        t.finish();
      },
    ],
  };
}
