import { kernelBackend } from '../kernels/backend.js';
import { AutogradError, formatShape, ShapeError } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { withGradMode } from './grad-mode.js';
import { Node } from './node.js';

export interface BackwardOptions {
  gradient?: Tensor;
  retainGraph?: boolean;
}

/**
 * Reverse-mode differentiation from `root`. Visits each node once, in topological order, with
 * an explicit queue (no recursion: a chain of 100,000 ops is fine), deposits gradients into
 * leaves' `.grad` (accumulating), and frees every node it walked unless retainGraph is set.
 */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError(
      'backward(): this tensor does not require grad and has no gradFn (set requiresGrad on a leaf it depends on)',
    );
  }
  const seed = options.gradient ?? implicitGradient(root);
  if (!sameShape(seed.shape, root.shape)) {
    throw new ShapeError(
      `backward(): gradient of shape ${formatShape(seed.shape)} does not match the tensor's shape ${formatShape(root.shape)}`,
    );
  }
  withGradMode(false, () => {
    if (root.isLeaf) {
      accumulate(root, seed);
      return;
    }
    const rootNode = root.gradFn as Node;
    const order = topologicalOrder(rootNode);
    const pending = new Map<Node, Tensor>([[rootNode, seed]]);
    try {
      for (const node of order) {
        const grad = pending.get(node);
        pending.delete(node);
        if (grad === undefined) continue;
        if (node.retained) accumulate(node.retained, grad);
        const grads = node.apply(grad);
        node.inputs.forEach((input, i) => {
          const g = grads[i];
          if (!g || !input.requiresGrad) return;
          if (input.isLeaf) {
            accumulate(input, g);
            return;
          }
          const next = input.gradFn as Node;
          const sum = pending.get(next);
          pending.set(next, sum === undefined ? g : addStorage(sum, g));
        });
      }
    } finally {
      if (!options.retainGraph) for (const node of order) node.release();
    }
  });
}

function implicitGradient(root: Tensor): Tensor {
  if (root.size !== 1) {
    throw new AutogradError(
      `backward(): grad can be implicitly created only for scalar outputs; this tensor has shape ${formatShape(root.shape)} (reduce it, e.g. with sum(), or pass a gradient)`,
    );
  }
  const g = new Tensor(new (root.storage.constructor as Float32ArrayConstructor)(1), root.shape);
  g.storage[0] = 1;
  return g;
}

/** Kahn's order over the nodes reachable from `root`: a node comes after all its consumers. */
function topologicalOrder(root: Node): Node[] {
  const consumers = new Map<Node, number>();
  const stack = [root];
  consumers.set(root, 0);
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const input of node.inputs) {
      const next = input.gradFn;
      if (!(next instanceof Node)) continue;
      const count = consumers.get(next);
      if (count === undefined) {
        consumers.set(next, 1);
        stack.push(next);
      } else {
        consumers.set(next, count + 1);
      }
    }
  }
  const order: Node[] = [];
  const ready = [root];
  while (ready.length > 0) {
    const node = ready.pop() as Node;
    order.push(node);
    for (const input of node.inputs) {
      const next = input.gradFn;
      if (!(next instanceof Node)) continue;
      const left = (consumers.get(next) as number) - 1;
      consumers.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

/** `.grad += g`, in place once `.grad` exists (copying g the first time, since rules may share it). */
function accumulate(target: Tensor, g: Tensor): void {
  if (!sameShape(target.shape, g.shape)) {
    throw new ShapeError(
      `backward(): gradient of shape ${formatShape(g.shape)} for a tensor of shape ${formatShape(target.shape)}`,
    );
  }
  if (target.grad === null) {
    const storage = new (target.storage.constructor as Float32ArrayConstructor)(target.size);
    storage.set(g.storage);
    target.grad = new Tensor(storage, target.shape);
    return;
  }
  kernelBackend().addInto(target.grad.storage, g.storage);
}

function addStorage(a: Tensor, b: Tensor): Tensor {
  const out = new (a.storage.constructor as Float32ArrayConstructor)(a.size);
  for (let i = 0; i < out.length; i++) out[i] = a.storage[i] + b.storage[i];
  return new Tensor(out, a.shape);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * Reverse-mode differentiation from this tensor (see autograd/engine.ts), in torch's forms:
     * `backward()`, `backward(gradient)`, `backward(undefined, { retainGraph: true })` (torch's
     * `backward(None, retain_graph=True)`) and `backward({ gradient, retainGraph })`.
     */
    backward(gradient?: Tensor | BackwardOptions | null, options?: { retainGraph?: boolean }): void;
  }
}

const OPTION_KEYS = ['gradient', 'retainGraph'];

function checkOptions(options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const hint = key === 'retain_graph' ? "; did you mean 'retainGraph'?" : '';
      throw new AutogradError(
        `backward(): unknown option '${key}'${hint} (known: ${allowed.join(', ')})`,
      );
    }
  }
}

Tensor.prototype.backward = function backwardMethod(
  this: Tensor,
  gradient?: Tensor | BackwardOptions | null,
  options?: { retainGraph?: boolean },
) {
  if (options !== undefined) checkOptions(options, ['retainGraph']);
  if (gradient instanceof Tensor || gradient === null || gradient === undefined) {
    backward(this, { gradient: gradient ?? undefined, retainGraph: options?.retainGraph });
    return;
  }
  checkOptions(gradient, OPTION_KEYS);
  if (options !== undefined) {
    throw new AutogradError(
      'backward(): give the options once, either as backward({ gradient, retainGraph }) or as backward(gradient, { retainGraph })',
    );
  }
  backward(this, gradient);
};
