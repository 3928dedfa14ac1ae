import { AutogradError, formatShape } from '../tensor/errors.js';
import type { GradFn, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

/**
 * Computes the gradients of an op's inputs from the gradient of its output. Returns one entry
 * per input (null where an input needs none). It runs under noGrad.
 */
export type BackwardRule = (gradOutput: Tensor) => (Tensor | null)[];

/** torch's AccumulateGrad: where a leaf's gradient is deposited. */
export class AccumulateGrad implements GradFn {
  readonly name = 'AccumulateGrad';
  readonly nextFunctions: readonly GradFn[] = [];
  constructor(readonly variable: Tensor) {}
}

/** One recorded op: its inputs, the tensors its backward rule saved, and the rule itself. */
export class Node implements GradFn {
  private rule: BackwardRule | null;
  private saved: { tensor: Tensor; version: number }[];
  private leafSlots: (AccumulateGrad | null)[];
  /** Set by retainGrad(): the output whose .grad should be kept. */
  retained: Tensor | null = null;

  constructor(
    readonly name: string,
    readonly inputs: readonly Tensor[],
    rule: BackwardRule,
    saved: readonly Tensor[],
  ) {
    this.rule = rule;
    this.saved = saved.map((tensor) => ({ tensor, version: tensor.version.value }));
    this.leafSlots = inputs.map((t) => (t.requiresGrad && t.isLeaf ? new AccumulateGrad(t) : null));
  }

  get nextFunctions(): readonly (GradFn | null)[] {
    return this.inputs.map((t, i) => t.gradFn ?? this.leafSlots[i]);
  }

  get released(): boolean {
    return this.rule === null;
  }

  apply(gradOutput: Tensor): (Tensor | null)[] {
    if (this.rule === null) {
      throw new AutogradError(
        `trying to backward through the graph a second time (${this.name} was already freed); ` +
          'pass { retainGraph: true } to the first backward() call to keep the graph',
      );
    }
    for (const { tensor, version } of this.saved) {
      if (tensor.version.value !== version) {
        throw new AutogradError(
          `a tensor needed for gradient computation was modified by an in-place operation: ` +
            `${this.name} saved a tensor of shape ${formatShape(tensor.shape)} at version ${version}, ` +
            `it is now at version ${tensor.version.value}`,
        );
      }
    }
    return this.rule(gradOutput);
  }

  /** Drops the rule and saved tensors, so their memory can go. */
  release(): void {
    this.rule = null;
    this.saved = [];
  }
}

/**
 * Attaches `out` to the graph when recording is on and some input requires grad. `saved` lists
 * the tensors the rule reads, so that an in-place change to them is reported at backward.
 */
export function record(
  name: string,
  inputs: readonly Tensor[],
  out: Tensor,
  rule: BackwardRule,
  saved: readonly Tensor[] = [],
): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.setGradFn(new Node(name, inputs, rule, saved));
  }
  return out;
}
