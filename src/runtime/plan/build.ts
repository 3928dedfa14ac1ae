import type { GraphInput, GraphNode } from '../../compiler/graph.js';
import { kernelFloat32, kernelInt32 } from '../../kernels/buffers.js';
import { opDef } from '../../opdefs/index.js';
import { type LinearLayout, linearThen } from '../../opdefs/linear.js';
import { ShapeIssue } from '../../opdefs/shape-issue.js';
import type { Attrs, BackwardCall, ForwardCall, OpDef } from '../../opdefs/types.js';
import { runtimeError } from '../../ops/apply.js';
import { allocate, type DType, type Storage } from '../../tensor/dtype.js';
import { boundAttrs, hasSymbolicAttrs } from '../symbols.js';
import { fusedPairs } from './fusion.js';
import { gradTarget } from './grad-write.js';
import type { Plan } from './plan.js';
import type { PlanContext, Step } from './types.js';

/** What the planner needs to know about a model and a request (built once per set of names). */
export interface PlanRequest {
  /** The graph's nodes that the requested names need, in topological order, without constants. */
  nodes: readonly GraphNode[];
  /** The declared inputs those nodes read. */
  inputs: readonly GraphInput[];
  names: readonly string[];
  /** The loss to differentiate, or null for a forward-only plan. */
  loss: string | null;
  /** Parameter name -> its storage and shape, in model order. */
  params: ReadonlyMap<string, { storage: Float32Array; shape: readonly number[] }>;
  /** Buffer name -> its storage (read and, by ops that declare it, written in place). */
  buffers: ReadonlyMap<string, { storage: Storage; shape: readonly number[]; dtype: DType }>;
  /** The parameters that require grad. */
  gradParams: ReadonlySet<string>;
  /** Scalar constants of the graph (name -> value and dtype). */
  constants: ReadonlyMap<string, { value: number; dtype: DType }>;
  /** The symbolic dims of the inputs, in a fixed order. */
  symbols: readonly string[];
  context: PlanContext;
}

interface Value {
  buffer: Storage;
  shape: readonly number[];
  dtype: DType;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A buffer kernels read and write every step: resident in wasm memory where that pays. */
function kernelBuffer(dtype: DType, size: number): Storage {
  if (dtype === 'float32') return kernelFloat32(size);
  if (dtype === 'int32') return kernelInt32(size);
  return allocate(dtype, size);
}

/** Scratch buffers of one node, made at plan time and kept for every step. */
function scratchOf(outDtype: DType): ForwardCall['scratch'] {
  const buffers = new Map<string, Storage>();
  return (key, size, dtype = outDtype) => {
    let buffer = buffers.get(key);
    if (buffer === undefined) {
      buffer = kernelBuffer(dtype, size);
      buffers.set(key, buffer);
    }
    return buffer;
  };
}

/**
 * Builds the plan of `request` for symbolic dims of sizes `sizes`: a buffer per value and per
 * gradient, allocated once, and per node the op definition's own forward and backward on them
 * (so plan and interpreter run the same kernels and agree bit for bit). Every node's shape is
 * inferred again by the same rule, on the concrete sizes, and a rule's finding is thrown as the
 * interpreter would throw it. Fusions (fusion.ts) save a pass where a pair of ops allows it.
 */
export function planGraph(request: PlanRequest, sizes: readonly number[]): Plan {
  const bindings = new Map(request.symbols.map((s, i) => [s, sizes[i]]));
  const values = new Map<string, Value>();
  const inputs: { name: string; buffer: Storage }[] = [];
  for (const input of request.inputs) {
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : (bindings.get(d) as number)));
    const buffer = kernelBuffer(input.dtype, sizeOf(shape));
    values.set(input.name, { buffer, shape, dtype: input.dtype });
    inputs.push({ name: input.name, buffer });
  }
  for (const [name, p] of request.params) {
    values.set(name, { buffer: p.storage, shape: p.shape, dtype: 'float32' });
  }
  for (const [name, b] of request.buffers) {
    values.set(name, { buffer: b.storage, shape: b.shape, dtype: b.dtype });
  }
  for (const [name, c] of request.constants) {
    const buffer = allocate(c.dtype, 1);
    buffer[0] = c.value;
    values.set(name, { buffer, shape: [], dtype: c.dtype });
  }

  const pairs = fusedPairs(request.nodes, request.names);
  const fusedLinears = new Set([...pairs.values()].map((n) => n.name));
  const defs = new Map<GraphNode, OpDef>();
  const written = new Set<Storage>();
  const attrsOf = new Map<GraphNode, Attrs>();
  for (const node of request.nodes) {
    const def = opDef(node.op) as OpDef;
    defs.set(node, def);
    attrsOf.set(node, hasSymbolicAttrs(node) ? boundAttrs(node, bindings) : node.attrs);
    // An absent operand (ABSENT) has no value: undefined, as ops take it.
    const operands = node.inputs.map((name) => values.get(name) as Value);
    for (const k of def.writes?.operands ?? []) {
      if (operands[k]) written.add(operands[k].buffer);
    }
    let info: ReturnType<OpDef['infer']>;
    try {
      info = def.infer(
        operands.map((o) => o && { shape: [...o.shape], dtype: o.dtype }),
        attrsOf.get(node) as Attrs,
        'run',
      );
    } catch (error) {
      throw error instanceof ShapeIssue ? runtimeError(error) : error;
    }
    const shape = info.shape as number[];
    // A fused linear writes straight into its activation's buffer: its own is never filled.
    const size = fusedLinears.has(node.name) ? 0 : sizeOf(shape);
    values.set(node.name, { buffer: kernelBuffer(info.dtype, size), shape, dtype: info.dtype });
  }

  const grads = gradientBuffers(request, values);
  const accumulate = accumulateFlags(request.nodes, grads);
  const forward: Step[] = [];
  const backwardByNode: Step[][] = [];
  const calls = new Map<string, ForwardCall>();
  let drawsRandom = false;
  for (const node of request.nodes) {
    const def = defs.get(node) as OpDef;
    const operands = node.inputs.map((name) => values.get(name) as Value);
    const value = values.get(node.name) as Value;
    const shapes = operands.map((o) => o?.shape);
    let prepared: unknown;
    const attrs = attrsOf.get(node) as Attrs;
    try {
      prepared = def.prepare?.(shapes, value.shape, attrs);
    } catch (error) {
      throw error instanceof ShapeIssue ? runtimeError(error) : error;
    }
    const call: ForwardCall = {
      inputs: operands.map((o) => o?.buffer),
      shapes,
      out: value.buffer,
      shape: value.shape,
      attrs,
      prepared,
      context: request.context,
      scratch: scratchOf(value.dtype),
    };
    calls.set(node.name, call);
    const linear = pairs.get(node.name);
    if (linear) {
      const linearCall = calls.get(linear.name) as ForwardCall<Attrs, LinearLayout>;
      forward.push(linearThen(linearCall, def, call));
    } else if (node.inputs.length === 0 && def.uses === undefined) {
      // A node without operands (arange, ones) gives the same values every step: filled once.
      def.forward(call);
    } else if (!fusedLinears.has(node.name)) {
      forward.push(() => def.forward(call));
    }
    if (def.uses?.includes('rng')) drawsRandom = true;
    const g = grads.get(node.name);
    if (g === undefined || def.backward === undefined) {
      backwardByNode.push([]);
      continue;
    }
    const targets = node.inputs.map((name, i) => {
      const grad = grads.get(name);
      return grad === undefined
        ? null
        : gradTarget(grad, accumulate.get(node)?.[i] ?? false, kernelFloat32);
    });
    const backwardCall: BackwardCall = {
      ...call,
      grad: g,
      grads: targets.map((t) => t?.dst ?? null),
    };
    const backward = def.backward;
    backwardByNode.push([
      () => {
        backward.call(def, backwardCall);
        for (const t of targets) t?.finish();
      },
    ]);
  }
  const lossGrad = request.loss === null ? null : (grads.get(request.loss) ?? null);
  const paramGrads = [...request.params.keys()]
    .filter((name) => grads.has(name))
    .map((name) => ({ name, grad: grads.get(name) as Float32Array }));
  return {
    sizes: [...sizes],
    inputs,
    forward,
    backward: lossGrad === null ? [] : backwardByNode.reverse().flat(),
    lossGrad,
    outputs: request.names.map((name) => {
      const v = values.get(name) as Value;
      return { name, buffer: v.buffer, shape: v.shape };
    }),
    paramGrads,
    drawsRandom,
    written: [...written],
  };
}

/**
 * A gradient buffer for every value the loss depends on that depends on a parameter requiring
 * grad (the loss's own included); none without a loss.
 */
function gradientBuffers(
  request: PlanRequest,
  values: ReadonlyMap<string, Value>,
): Map<string, Float32Array> {
  const grads = new Map<string, Float32Array>();
  if (request.loss === null) return grads;
  const needsGrad = new Set(request.gradParams);
  for (const node of request.nodes) {
    if (node.inputs.some((name) => needsGrad.has(name))) needsGrad.add(node.name);
  }
  const byName = new Map(request.nodes.map((n) => [n.name, n]));
  const stack = [request.loss];
  const ancestors = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (ancestors.has(name)) continue;
    ancestors.add(name);
    stack.push(...(byName.get(name)?.inputs ?? []));
  }
  for (const name of ancestors) {
    if (!needsGrad.has(name)) continue;
    const v = values.get(name) as Value;
    grads.set(name, kernelFloat32(sizeOf(v.shape)));
  }
  return grads;
}

/**
 * For each node, per operand: whether a node later in the graph (so earlier in the backward
 * pass) already writes that operand's gradient, so this node must add to it.
 */
function accumulateFlags(
  nodes: readonly GraphNode[],
  grads: ReadonlyMap<string, Float32Array>,
): Map<GraphNode, boolean[]> {
  const written = new Set<string>();
  const flags = new Map<GraphNode, boolean[]>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!grads.has(node.name)) continue;
    flags.set(
      node,
      node.inputs.map((name) => {
        if (!grads.has(name)) return false;
        const seen = written.has(name);
        written.add(name);
        return seen;
      }),
    );
  }
  return flags;
}
