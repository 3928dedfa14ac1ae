import type { GraphInput, GraphNode } from '../../compiler/graph.js';
import { kernelFloat32, kernelInt32 } from '../../kernels/buffers.js';
import { concreteShape } from './dims.js';
import { type FusedActivation, linearForward } from './linear-steps.js';
import type { Plan } from './plan.js';
import { stepBuilderFor } from './support.js';
import type { Buffer, NodeEnv, PlanContext, Step } from './types.js';

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
  /** The parameters that require grad. */
  gradParams: ReadonlySet<string>;
  /** Scalar constants of the graph (name -> value). */
  constants: ReadonlyMap<string, number>;
  /** The symbolic dims of the inputs, in a fixed order. */
  symbols: readonly string[];
  context: PlanContext;
}

export type PlanResult = { plan: Plan } | { reason: string };

interface Value {
  buffer: Buffer;
  shape: readonly number[];
  dtype: 'float32' | 'int32';
}

const FUSABLE: readonly string[] = ['relu', 'tanh', 'sigmoid'];
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Builds the plan of `request` for symbolic dims of sizes `sizes`, or says which node it cannot
 * plan. A linear layer whose only use is a relu/tanh/sigmoid runs as one step writing the
 * activation's buffer (the pre-activation is never stored; its gradient still is).
 */
export function planGraph(request: PlanRequest, sizes: readonly number[]): PlanResult {
  const bindings = new Map(request.symbols.map((s, i) => [s, sizes[i]]));
  const values = new Map<string, Value>();
  const inputs: { name: string; buffer: Buffer }[] = [];
  for (const input of request.inputs) {
    const shape = concreteShape(input.shape, bindings);
    if (shape === null) return { reason: `input '${input.name}' has a derived dim` };
    const size = sizeOf(shape);
    const buffer = input.dtype === 'int32' ? kernelInt32(size) : kernelFloat32(size);
    values.set(input.name, { buffer, shape, dtype: input.dtype });
    inputs.push({ name: input.name, buffer });
  }
  for (const [name, p] of request.params) {
    values.set(name, { buffer: p.storage, shape: p.shape, dtype: 'float32' });
  }
  for (const [name, value] of request.constants) {
    values.set(name, { buffer: Float32Array.of(value), shape: [], dtype: 'float32' });
  }

  const uses = new Map<string, number>();
  const consumer = new Map<string, GraphNode>();
  for (const node of request.nodes) {
    for (const input of node.inputs) {
      uses.set(input, (uses.get(input) ?? 0) + 1);
      consumer.set(input, node);
    }
  }
  for (const name of request.names) uses.set(name, (uses.get(name) ?? 0) + 1);
  const fusedInto = new Map<string, GraphNode>();
  for (const node of request.nodes) {
    const next = consumer.get(node.name);
    if (node.op === 'linear' && uses.get(node.name) === 1 && next && FUSABLE.includes(next.op)) {
      fusedInto.set(node.name, next);
    }
  }

  for (const node of request.nodes) {
    const shape = concreteShape(node.shape, bindings);
    if (shape === null) return { reason: `node '${node.name}' has a derived dim` };
    const size = fusedInto.has(node.name) ? 0 : sizeOf(shape);
    const buffer = node.dtype === 'int32' ? kernelInt32(size) : kernelFloat32(size);
    values.set(node.name, { buffer, shape, dtype: node.dtype as 'float32' | 'int32' });
  }

  const grads = gradientBuffers(request, values);
  const accumulate = accumulateFlags(request.nodes, grads);
  const forward: Step[] = [];
  const backwardByNode: Step[][] = [];
  let drawsRandom = false;
  for (const node of request.nodes) {
    const operands = node.inputs.map((name) => values.get(name) as Value);
    const value = values.get(node.name) as Value;
    const builder = stepBuilderFor(node, operands, value.shape);
    if (builder === null) {
      const shapes = operands.map((o) => `[${o.shape.join(', ')}] ${o.dtype}`).join(', ');
      return { reason: `node '${node.name}': the planner does not take ${node.op}(${shapes})` };
    }
    const env: NodeEnv = {
      node,
      shape: value.shape,
      inShapes: operands.map((o) => o.shape),
      inputs: operands.map((o) => o.buffer),
      out: value.buffer,
      outGrad: grads.get(node.name) ?? null,
      inGrads: node.inputs.map((name) => grads.get(name) ?? null),
      accumulate: accumulate.get(node) ?? [],
      context: request.context,
      scratch: kernelFloat32,
    };
    const steps = builder(env);
    const fused = fusedInto.get(node.name);
    if (fused) {
      const target = values.get(fused.name) as Value;
      forward.push(linearForward(env, target.buffer as Float32Array, fused.op as FusedActivation));
    } else if (!isFusedActivation(node, fusedInto)) {
      forward.push(...steps.forward);
    }
    backwardByNode.push(steps.backward);
    if (node.op === 'dropout') drawsRandom = true;
  }
  const lossGrad = request.loss === null ? null : (grads.get(request.loss) ?? null);
  if (lossGrad !== null && lossGrad.length !== 1) {
    return { reason: `the loss '${request.loss}' is not a scalar` };
  }
  const paramGrads = [...request.params.keys()]
    .filter((name) => grads.has(name))
    .map((name) => ({ name, grad: grads.get(name) as Float32Array }));
  return {
    plan: {
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
    },
  };
}

function isFusedActivation(node: GraphNode, fusedInto: ReadonlyMap<string, GraphNode>): boolean {
  return fusedInto.get(node.inputs[0]) === node;
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
