import { type DType, dtypeOf, type Storage } from './dtype.js';
import { AutogradError, formatShape, ValueError } from './errors.js';
import { type Shape, sizeOf } from './shape.js';

/**
 * A node of the autograd graph as a tensor sees it: the op that produced the tensor. The engine
 * (src/autograd) owns the implementation; `name` and `nextFunctions` are public so that a graph
 * can be printed, as torch's `grad_fn.next_functions`.
 */
export interface GradFn {
  readonly name: string;
  readonly nextFunctions: readonly (GradFn | null)[];
  /** The output whose `.grad` backward() should keep (set by retainGrad()). */
  retained?: Tensor | null;
}

/** Shared by tensors that share storage through detach(), so in-place changes are seen by all. */
export interface VersionCounter {
  value: number;
}

export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array with reverse-mode autograd, with the semantics of torch.Tensor:
 * contiguous row-major storage, `grad` filled by backward(), `gradFn` the op that made it.
 */
export class Tensor {
  /** The numbers, row-major. Ops read this directly; it is never a view with strides. */
  storage: Storage;
  readonly shape: Shape;
  grad: Tensor | null = null;
  gradFn: GradFn | null = null;
  readonly version: VersionCounter;
  private tracked = false;

  constructor(
    storage: Storage,
    shape: Shape,
    options: { requiresGrad?: boolean; version?: VersionCounter } = {},
  ) {
    if (storage.length !== sizeOf(shape)) {
      throw new ValueError(
        `tensor: ${storage.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.version = options.version ?? { value: 0 };
    if (options.requiresGrad) this.requiresGrad = true;
  }

  get dtype(): DType {
    return dtypeOf(this.storage);
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.storage.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get requiresGrad(): boolean {
    return this.tracked;
  }

  set requiresGrad(value: boolean) {
    if (this.gradFn !== null) {
      throw new AutogradError(
        'requiresGrad can only be changed on leaf tensors; use detach() to get a leaf from a result',
      );
    }
    if (value && this.dtype === 'int32') {
      throw new AutogradError(
        'only floating-point tensors can require gradients (this one is int32)',
      );
    }
    this.tracked = value;
  }

  /** Marks a result as produced by `gradFn`; called by ops only. */
  setGradFn(gradFn: GradFn): void {
    this.gradFn = gradFn;
    this.tracked = true;
  }

  /** The same storage without history (torch's `.data`); changes to it are not tracked. */
  get data(): Tensor {
    return new Tensor(this.storage, this.shape);
  }

  /** The same storage, cut from the graph; in-place changes to it are seen by saved-tensor checks. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, { version: this.version });
  }

  /** Asks backward() to keep this non-leaf's gradient in `.grad`. */
  retainGrad(): this {
    if (!this.requiresGrad) {
      throw new AutogradError("retainGrad() on a tensor that doesn't require grad");
    }
    if (this.gradFn) this.gradFn.retained = this;
    return this;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.storage.length !== 1) {
      throw new ValueError(
        `item(): only one-element tensors can be converted to a number (shape ${formatShape(this.shape)})`,
      );
    }
    return this.storage[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.storage[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    const fn = this.gradFn ? `, gradFn=<${this.gradFn.name}>` : '';
    const rg = this.requiresGrad && !this.gradFn ? ', requiresGrad=true' : '';
    return `tensor(${JSON.stringify(this.toArray())}, shape=${formatShape(this.shape)}, dtype=${this.dtype}${rg}${fn})`;
  }
}
