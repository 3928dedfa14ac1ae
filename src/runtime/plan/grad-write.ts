/**
 * Where a backward step writes a gradient: straight into the gradient buffer, or, when another
 * consumer has already written there in this pass, into a scratch buffer that is then added in
 * (so each contribution is rounded to float32 before the sum, as the autograd engine does).
 */
export interface GradTarget {
  /** The buffer the step computes into. */
  dst: Float32Array;
  /** Adds dst into the gradient when dst is a scratch buffer; nothing otherwise. */
  finish(): void;
}

export function gradTarget(
  grad: Float32Array,
  accumulate: boolean,
  scratch: (size: number) => Float32Array,
): GradTarget {
  if (!accumulate) return { dst: grad, finish: () => {} };
  const dst = scratch(grad.length);
  return {
    dst,
    finish: () => {
      for (let i = 0; i < grad.length; i++) grad[i] += dst[i];
    },
  };
}
