import type { Storage } from '../../tensor/dtype.js';
import type { Step } from './types.js';

/**
 * A static execution plan of a graph for one binding of its symbolic dims: a buffer per value
 * and per gradient, allocated once, and the kernel calls that fill them in order.
 */
export interface Plan {
  /** The symbolic dims' sizes this plan was built for, in the order of PlanRequest.symbols. */
  sizes: readonly number[];
  /** Where each needed input is copied before the forward pass. */
  inputs: readonly { name: string; buffer: Storage }[];
  forward: readonly Step[];
  /** Runs from the loss's gradient (lossGrad) to the parameters' gradients. */
  backward: readonly Step[];
  /** The loss's gradient: the incoming gradient is written here before `backward`. */
  lossGrad: Float32Array | null;
  /** The buffer and shape of each requested name, in request order. */
  outputs: readonly { name: string; buffer: Storage; shape: readonly number[] }[];
  /** The parameters backward fills, with their gradient buffers, in model order. */
  paramGrads: readonly { name: string; grad: Float32Array }[];
  /** True when a dropout step draws from the generator (a re-run must replay its state). */
  drawsRandom: boolean;
  /**
   * The buffers forward steps update in place (running statistics): a re-run must start from
   * their values of that time and leave them as they are now.
   */
  written: readonly Storage[];
}
