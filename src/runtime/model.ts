import { noGrad } from '../autograd/grad-mode.js';
import type { Graph, GraphNode } from '../compiler/graph.js';
import { initTensor } from '../nn/init.js';
import { Parameter } from '../nn/parameter.js';
import { opDef } from '../opdefs/index.js';
import type { OpDef } from '../opdefs/types.js';
import { applyOp } from '../ops/apply.js';
import { full, tensor, zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/errors.js';
import { Rng } from '../tensor/rng.js';
import { sameShape } from '../tensor/shape.js';
import { type NestedArray, Tensor } from '../tensor/tensor.js';
import { bindInputs, type InputValue } from './bind-inputs.js';
import { ModelError } from './errors.js';
import { PlanRunner } from './plan/runner.js';
import { sameNames } from './same-names.js';
import { formatSummary } from './summary.js';
import { boundAttrs, hasSymbolicAttrs, symbolBindings } from './symbols.js';

export type StateDictValue = Tensor | NestedArray | Float32Array;

/** What a run needs: the nodes to evaluate, in order, and the inputs they read. */
interface Schedule {
  nodes: GraphNode[];
  inputs: Set<string>;
}

/**
 * A compiled spec: its Parameters, and forward/loss that run the graph's ops with autograd
 * recorded. Modes and state dicts behave as torch.nn.Module's.
 */
export class Model {
  readonly graph: Graph;
  /** The generator dropout draws from; seeded from the compile seed. */
  readonly rng: Rng;
  private readonly params = new Map<string, Parameter>();
  private readonly bufferTensors = new Map<string, Tensor>();
  private readonly constants = new Map<string, Tensor>();
  private readonly schedules = new Map<string, Schedule>();
  private isTraining = true;
  private readonly lossNames: string[];
  private readonly planRunner: PlanRunner;
  private planEnabled: boolean;
  private lastSchedule: { names: readonly string[]; schedule: Schedule } | null = null;
  /** Nodes whose attributes hold sizes bound at run time (symbols.ts). */
  private readonly symbolicNodes: ReadonlySet<string>;

  /**
   * Throws ModelError for a node whose op the runtime lacks (a hand-edited graph, say).
   * `plan: false` turns the compiled execution plan off (see usePlan).
   */
  constructor(graph: Graph, options: { seed?: number; plan?: boolean } = {}) {
    this.graph = withState(graph);
    graph = this.graph;
    const seed = options.seed ?? graph.train?.seed ?? 0;
    const initRng = new Rng(seed);
    for (const p of graph.parameters) {
      if (p.tiedTo !== undefined) continue;
      const values = zeros(p.shape);
      initTensor(values, p.init, initRng);
      this.params.set(p.name, new Parameter(values, { requiresGrad: p.trainable }));
    }
    // A tied path is the very tensor it is tied to; the map keeps the graph's order of names.
    const own = new Map(this.params);
    this.params.clear();
    for (const p of graph.parameters) {
      this.params.set(p.name, own.get(p.tiedTo ?? p.name) as Parameter);
    }
    this.symbolicNodes = new Set(graph.nodes.filter(hasSymbolicAttrs).map((n) => n.name));
    // After the parameters, so that adding a buffer leaves every parameter's draw as it was.
    for (const b of graph.buffers) {
      const values = zeros(b.shape, { dtype: b.dtype });
      initTensor(values, b.init, initRng);
      this.bufferTensors.set(b.name, values);
    }
    checkState(graph);
    for (const node of graph.nodes) {
      if (node.op === 'constant')
        this.constants.set(node.name, full([], node.attrs.value as number, { dtype: node.dtype }));
      else if (!opDef(node.op))
        throw new ModelError(`node '${node.name}': the runtime has no op '${node.op}'`);
    }
    this.rng = new Rng(seed + 1);
    this.lossNames = graph.loss === null ? [] : [graph.loss];
    this.planEnabled = options.plan ?? true;
    const model = this;
    this.planRunner = new PlanRunner({
      graph,
      rng: this.rng,
      get training() {
        return model.isTraining;
      },
      params: this.params,
      buffers: this.bufferTensors,
      constants: this.constants,
    });
  }

  /**
   * Whether run/loss/forward may execute the compiled plan (the default): buffers allocated once
   * per batch size, and the loss's gradFn one CompiledGraphBackward node over the parameters.
   * Off, every op is recorded by the interpreter with its own gradFn (as torch does). Requests
   * the planner does not take run on the interpreter either way.
   */
  usePlan(enabled: boolean): this {
    this.planEnabled = enabled;
    return this;
  }

  get training(): boolean {
    return this.isTraining;
  }

  /**
   * Training mode: dropout is active, batch_norm normalises by the batch's statistics and
   * updates its running statistics.
   */
  train(): this {
    this.isTraining = true;
    return this;
  }

  /** Evaluation mode: dropout is the identity, batch_norm uses its running statistics. */
  eval(): this {
    this.isTraining = false;
    return this;
  }

  /** The spec's outputs. Only the inputs those outputs need must be given. */
  forward(inputs: Readonly<Record<string, InputValue>>): Record<string, Tensor> {
    return this.run(inputs, this.graph.outputs);
  }

  /** The spec's loss, a scalar. */
  loss(inputs: Readonly<Record<string, InputValue>>): Tensor {
    const name = this.graph.loss;
    if (name === null) throw new ModelError(`spec '${this.graph.name}' has no loss`);
    return this.run(inputs, this.lossNames)[name];
  }

  /** Evaluates any nodes of the graph in one pass (e.g. the loss and the logits together). */
  run(
    inputs: Readonly<Record<string, InputValue>>,
    names: readonly string[],
  ): Record<string, Tensor> {
    const plan = this.scheduleFor(names);
    if (this.planEnabled) {
      const compiled = this.planRunner.run(inputs, names, plan);
      if (compiled !== null) return compiled;
    }
    const bound = bindInputs(this.graph.inputs, plan.inputs, inputs);
    const values = new Map<string, Tensor>(bound);
    for (const [name, p] of this.params) values.set(name, p);
    for (const [name, b] of this.bufferTensors) values.set(name, b);
    for (const [name, c] of this.constants) values.set(name, c);
    const context = { training: this.isTraining, rng: this.rng };
    const bindings =
      this.symbolicNodes.size > 0
        ? symbolBindings(this.graph.inputs, new Map([...bound].map(([n, t]) => [n, t.shape])))
        : null;
    for (const node of plan.nodes) {
      // An absent operand (ABSENT) is no value: undefined, as applyOp takes it.
      const args = node.inputs.map((input) => values.get(input));
      const attrs =
        bindings !== null && this.symbolicNodes.has(node.name)
          ? boundAttrs(node, bindings)
          : node.attrs;
      values.set(node.name, applyOp(opDef(node.op) as OpDef, args, attrs, context));
    }
    return Object.fromEntries(names.map((name) => [name, values.get(name) as Tensor]));
  }

  private scheduleFor(names: readonly string[]): Schedule {
    const last = this.lastSchedule;
    if (last !== null && sameNames(names, last.names)) return last.schedule;
    const schedule = this.buildSchedule(names);
    this.lastSchedule = { names: [...names], schedule };
    return schedule;
  }

  private buildSchedule(names: readonly string[]): Schedule {
    const key = names.join('\u0000');
    const cached = this.schedules.get(key);
    if (cached) return cached;
    const byName = new Map(this.graph.nodes.map((n) => [n.name, n]));
    const declaredInputs = new Set(this.graph.inputs.map((i) => i.name));
    const needed = new Set<string>();
    const stack = [...names];
    for (const name of names) {
      if (
        !byName.has(name) &&
        !declaredInputs.has(name) &&
        !this.params.has(name) &&
        !this.bufferTensors.has(name)
      ) {
        throw new ModelError(
          `'${name}' is not a node of spec '${this.graph.name}' (outputs: ${this.graph.outputs.join(', ')})`,
        );
      }
    }
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (needed.has(name)) continue;
      needed.add(name);
      const node = byName.get(name);
      if (node) stack.push(...node.inputs);
    }
    const plan = {
      nodes: this.graph.nodes.filter((n) => needed.has(n.name) && n.op !== 'constant'),
      inputs: new Set([...needed].filter((n) => declaredInputs.has(n))),
    };
    this.schedules.set(key, plan);
    return plan;
  }

  /**
   * Every parameter once, in declaration order (torch's named_parameters): a tied tensor under
   * the first of its names.
   */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    return [...this.params].filter(([, p]) => !seen.has(p) && seen.add(p));
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The buffers (state that is never trained: running statistics, masks), with their names. */
  namedBuffers(): [string, Tensor][] {
    return [...this.bufferTensors];
  }

  /** The buffers, persistent or not, in the order of namedBuffers(). */
  buffers(): Tensor[] {
    return [...this.bufferTensors.values()];
  }

  /**
   * Every parameter (frozen ones too) and persistent buffer, detached (sharing storage), in
   * torch's order: module by module, a module's parameters, then its buffers.
   */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(
      this.graph.state.map((name) => [name, (this.stateTensor(name) as Tensor).detach()]),
    );
  }

  private stateTensor(name: string): Tensor | undefined {
    return this.params.get(name) ?? this.bufferTensors.get(name);
  }

  /**
   * Copies values into the parameters and persistent buffers. Strict (the default) requires
   * exactly the model's keys; a wrong shape, or a value that an int32 buffer cannot hold, is
   * always an error. All problems are reported in one error.
   */
  loadStateDict(
    stateDict: Readonly<Record<string, StateDictValue>>,
    options: { strict?: boolean } = {},
  ): void {
    const strict = options.strict ?? true;
    const keys = new Set(this.graph.state);
    const missing = this.graph.state.filter((k) => !(k in stateDict));
    const unexpected = Object.keys(stateDict).filter((k) => !keys.has(k));
    const values = new Map<string, Tensor>();
    const wrongShape: string[] = [];
    const wrongValue: string[] = [];
    for (const [name, value] of Object.entries(stateDict)) {
      const target = keys.has(name) ? this.stateTensor(name) : undefined;
      if (!target) continue;
      const t = toTensor(value, target);
      if (!sameShape(t.shape, target.shape)) {
        wrongShape.push(
          `'${name}': expected ${formatShape(target.shape)}, got ${formatShape(t.shape)}`,
        );
        continue;
      }
      const bad = target.dtype === 'int32' ? t.storage.findIndex((v) => !isInt32(v)) : -1;
      if (bad >= 0) {
        wrongValue.push(`'${name}' is int32 and cannot hold ${t.storage[bad]}`);
        continue;
      }
      values.set(name, t);
    }
    const tiedApart = this.graph.parameters.flatMap((p) => {
      const [a, b] = [
        values.get(p.name),
        p.tiedTo === undefined ? undefined : values.get(p.tiedTo),
      ];
      if (a === undefined || b === undefined) return [];
      const same =
        a.storage.length === b.storage.length && a.storage.every((v, i) => v === b.storage[i]);
      return same
        ? []
        : [`'${p.name}' and '${p.tiedTo}' are one tied tensor but hold different values`];
    });
    const problems = [
      ...tiedApart,
      ...(strict && missing.length > 0 ? [`missing keys: ${missing.join(', ')}`] : []),
      ...(strict && unexpected.length > 0 ? [`unexpected keys: ${unexpected.join(', ')}`] : []),
      ...(wrongShape.length > 0 ? [`wrong shapes: ${wrongShape.join('; ')}`] : []),
      ...(wrongValue.length > 0 ? [`wrong values: ${wrongValue.join('; ')}`] : []),
    ];
    if (problems.length > 0) {
      throw new ModelError(
        `loadStateDict: the state dict does not fit spec '${this.graph.name}': ${problems.join('. ')}`,
      );
    }
    noGrad(() => {
      for (const [name, t] of values) this.stateTensor(name)?.copy_(t);
    });
  }

  /** A table of nodes and parameters with shapes, counts and fans, like Keras' summary(). */
  summary(): string {
    return formatSummary(this.graph);
  }
}

const isInt32 = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

/**
 * The graph with its state fields filled in when it was written before buffers existed (a
 * saved `modelspec compile` graph): no buffers, and the parameters as the state dict.
 */
function withState(graph: Graph): Graph {
  if (graph.buffers !== undefined && graph.state !== undefined) return graph;
  const buffers = graph.buffers ?? [];
  return {
    ...graph,
    buffers,
    state: graph.state ?? [
      ...graph.parameters.map((p) => p.name),
      ...buffers.filter((b) => b.persistent).map((b) => b.name),
    ],
  };
}

/** The state dict's keys name each parameter and persistent buffer exactly once. */
function checkState(graph: Graph): void {
  const expected = new Set([
    ...graph.parameters.map((p) => p.name),
    ...graph.buffers.filter((b) => b.persistent).map((b) => b.name),
  ]);
  const seen = new Set<string>();
  for (const name of graph.state) {
    if (!expected.has(name) || seen.has(name)) {
      throw new ModelError(
        `graph '${graph.name}': state key '${name}' is ${seen.has(name) ? 'listed twice' : 'no parameter or persistent buffer'}`,
      );
    }
    seen.add(name);
  }
  const left = [...expected].filter((name) => !seen.has(name));
  if (left.length > 0) {
    throw new ModelError(
      `graph '${graph.name}': the state lists no key for ${left.map((n) => `'${n}'`).join(', ')}`,
    );
  }
}

function toTensor(value: StateDictValue, like: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (value instanceof Float32Array) {
    return value.length === like.size
      ? tensor(value, { shape: like.shape })
      : tensor(value, { shape: [value.length] });
  }
  return tensor(value);
}
