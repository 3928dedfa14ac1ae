import { isGradEnabled } from '../../autograd/grad-mode.js';
import { type BackwardRule, record } from '../../autograd/node.js';
import type { Graph, GraphInput, GraphNode } from '../../compiler/graph.js';
import type { Parameter } from '../../nn/parameter.js';
import type { DType, Storage } from '../../tensor/dtype.js';
import type { Rng } from '../../tensor/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { bindInputs, type InputValue } from '../bind-inputs.js';
import { sameNames } from '../same-names.js';
import { type PlanRequest, planGraph } from './build.js';
import type { Plan } from './plan.js';
import type { PlanContext } from './types.js';

/** What the runner reads from its model. */
export interface PlanHost {
  readonly graph: Graph;
  readonly rng: Rng;
  readonly training: boolean;
  readonly params: ReadonlyMap<string, Parameter>;
  readonly buffers: ReadonlyMap<string, Tensor>;
  readonly constants: ReadonlyMap<string, Tensor>;
}

/** A plan with what running it needs beyond buffers: its tensors and its run counter. */
interface PlanSlot {
  sizes: readonly number[];
  plan: Plan;
  /** The parameters backward fills (the recorded node's inputs) and their gradient tensors. */
  params: Parameter[];
  grads: Tensor[];
  /**
   * The buffers the plan reads but never writes: saved by the recorded node, so that a change
   * before a re-run (see replay) is reported as a parameter's is.
   */
  readBuffers: Tensor[];
  /** Bumped by every forward pass; a node from an older pass re-runs its forward first. */
  generation: number;
}

/** The plans of one set of requested names, one per binding of the symbolic dims. */
interface Entry {
  request: PlanRequest;
  slots: PlanSlot[];
  /** Each parameter's requiresGrad and storage when the request was made. */
  requiresGrad: boolean[];
  storages: unknown[];
}

type Inputs = Readonly<Record<string, InputValue>>;

/**
 * Runs a model's requests through static plans (see build.ts), caching one plan per set of
 * names and per binding of the symbolic dims. `run` returns null when the request asks for
 * what only the interpreter gives: float64 or grad-requiring inputs, or per-op gradients
 * (grad recording on and no loss requested).
 */
export class PlanRunner {
  private readonly entries = new Map<string, Entry | null>();
  /** The last request's names (a copy, so a caller mutating its array is noticed). */
  private lastNames: string[] = [];
  private lastEntry: Entry | null | undefined = undefined;
  private readonly declared: ReadonlySet<string>;
  private readonly symbols: string[];
  private readonly sizes: number[];
  private readonly context: PlanContext;

  constructor(private readonly host: PlanHost) {
    this.declared = new Set(host.graph.inputs.map((i) => i.name));
    this.symbols = [
      ...new Set(
        host.graph.inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')),
      ),
    ];
    this.sizes = this.symbols.map(() => -1);
    this.context = { training: host.training, rng: host.rng };
  }

  run(
    given: Inputs,
    names: readonly string[],
    schedule: { nodes: readonly GraphNode[]; inputs: ReadonlySet<string> },
  ): Record<string, Tensor> | null {
    const entry = this.entryFor(names, schedule);
    if (entry === null) return null;
    const loss = entry.request.loss;
    const recording = loss !== null && isGradEnabled() && entry.request.gradParams.size > 0;
    if (loss === null && isGradEnabled() && this.anyParamRequiresGrad()) return null;
    const inputs = this.checkInputs(given, entry.request.inputs);
    if (inputs === null) return null;
    const slot = this.slotFor(entry);
    const plan = slot.plan;
    const training = this.host.training;
    const rngState = recording && plan.drawsRandom && training ? this.host.rng.getState() : null;
    const state = recording && plan.written.length > 0 ? plan.written.map((b) => b.slice()) : null;
    // Bumped first: if a step throws half-way, older nodes must not trust the buffers either.
    const generation = ++slot.generation;
    this.forward(plan, inputs, training);
    const result: Record<string, Tensor> = {};
    for (const out of plan.outputs) {
      const copy = out.buffer.slice();
      result[out.name] = new Tensor(copy, out.shape);
    }
    if (recording && slot.params.length > 0) {
      const lossTensor = result[loss];
      const rule: BackwardRule = (g) => {
        if (slot.generation !== generation) {
          this.replay(plan, inputs, training, rngState, state);
          slot.generation = generation;
        }
        (plan.lossGrad as Float32Array)[0] = g.storage[0];
        for (const step of plan.backward) step();
        return slot.grads;
      };
      record('CompiledGraphBackward', slot.params, lossTensor, rule, [
        ...slot.params,
        ...slot.readBuffers,
      ]);
    }
    return result;
  }

  private forward(plan: Plan, inputs: Inputs, training: boolean): void {
    for (const input of plan.inputs) input.buffer.set((inputs[input.name] as Tensor).storage);
    this.context.training = training;
    this.context.rng = this.host.rng;
    for (const step of plan.forward) step();
  }

  /**
   * Re-runs a superseded forward pass (its buffers were reused) with its inputs, draws and the
   * values its written buffers had then; those buffers are left as they are now, so the pass
   * updates them (running statistics) exactly once.
   */
  private replay(
    plan: Plan,
    inputs: Inputs,
    training: boolean,
    rngState: number[] | null,
    state: Storage[] | null,
  ): void {
    const current = rngState ? this.host.rng.getState() : null;
    const currentState = state ? plan.written.map((b) => b.slice()) : null;
    if (rngState) this.host.rng.setState(rngState);
    if (state) for (const [i, b] of plan.written.entries()) b.set(state[i]);
    try {
      this.forward(plan, inputs, training);
    } finally {
      if (current) this.host.rng.setState(current);
      if (currentState) for (const [i, b] of plan.written.entries()) b.set(currentState[i]);
    }
  }

  private anyParamRequiresGrad(): boolean {
    for (const p of this.host.params.values()) if (p.requiresGrad) return true;
    return false;
  }

  private entryFor(
    names: readonly string[],
    schedule: { nodes: readonly GraphNode[]; inputs: ReadonlySet<string> },
  ): Entry | null {
    let entry: Entry | null | undefined;
    if (this.lastEntry !== undefined && sameNames(names, this.lastNames)) entry = this.lastEntry;
    else {
      const key = names.join('\u0000');
      entry = this.entries.get(key);
      if (entry === undefined) {
        entry = this.makeEntry(names, schedule);
        this.entries.set(key, entry);
      }
      this.lastNames = [...names];
      this.lastEntry = entry;
    }
    if (entry !== null && !this.paramsUnchanged(entry)) {
      const fresh = this.makeEntry(names, schedule);
      if (fresh === null) {
        // A parameter's storage is no longer float32: forget every plan and interpret.
        this.entries.clear();
        this.lastEntry = undefined;
        return null;
      }
      Object.assign(entry, fresh);
    }
    return entry;
  }

  private makeEntry(
    names: readonly string[],
    schedule: { nodes: readonly GraphNode[]; inputs: ReadonlySet<string> },
  ): Entry | null {
    const { graph, params, constants } = this.host;
    const constantValues = new Map<string, { value: number; dtype: DType }>();
    for (const [name, t] of constants)
      constantValues.set(name, { value: t.storage[0], dtype: t.dtype });
    const paramInfo = new Map<string, { storage: Float32Array; shape: readonly number[] }>();
    for (const [name, p] of params) {
      if (!(p.storage instanceof Float32Array)) return null;
      paramInfo.set(name, { storage: p.storage, shape: p.shape });
    }
    const bufferInfo = new Map(
      [...this.host.buffers].map(([name, b]) => [
        name,
        { storage: b.storage, shape: b.shape, dtype: b.dtype },
      ]),
    );
    const lossName = graph.loss !== null && names.includes(graph.loss) ? graph.loss : null;
    return {
      request: {
        nodes: schedule.nodes,
        inputs: graph.inputs.filter((i) => schedule.inputs.has(i.name)),
        names,
        loss: lossName,
        params: paramInfo,
        buffers: bufferInfo,
        gradParams: new Set([...params].filter(([, p]) => p.requiresGrad).map(([n]) => n)),
        constants: constantValues,
        symbols: this.symbols,
        context: this.context,
      },
      slots: [],
      requiresGrad: [...params.values()].map((p) => p.requiresGrad),
      storages: [...params.values()].map((p) => p.storage),
    };
  }

  private paramsUnchanged(entry: Entry): boolean {
    let i = 0;
    for (const p of this.host.params.values()) {
      if (p.requiresGrad !== entry.requiresGrad[i] || p.storage !== entry.storages[i]) return false;
      i++;
    }
    return true;
  }

  private slotFor(entry: Entry): PlanSlot {
    const sizes = this.sizes;
    for (const slot of entry.slots) {
      let same = true;
      for (let i = 0; i < sizes.length; i++) if (slot.sizes[i] !== sizes[i]) same = false;
      if (same) return slot;
    }
    const plan = planGraph(entry.request, sizes);
    const params = plan.paramGrads.map(({ name }) => this.host.params.get(name) as Parameter);
    const read = new Set(entry.request.nodes.flatMap((n) => n.inputs));
    const slot: PlanSlot = {
      sizes: [...sizes],
      plan,
      params,
      grads: plan.paramGrads.map(({ grad }, i) => new Tensor(grad, params[i].shape)),
      readBuffers: [...this.host.buffers]
        .filter(([name, b]) => read.has(name) && !plan.written.includes(b.storage))
        .map(([, b]) => b),
      generation: 0,
    };
    entry.slots.push(slot);
    return slot;
  }

  /**
   * The inputs as tensors, checked as bindInputs checks them, with this.sizes set to the
   * symbolic dims' sizes; null when the interpreter must run (float64 or grad-requiring
   * inputs). Anything that is not a plain match goes through bindInputs, which converts
   * nested arrays and throws the errors the interpreter would.
   */
  private checkInputs(given: Inputs, needed: readonly GraphInput[]): Inputs | null {
    const sizes = this.sizes;
    for (let i = 0; i < sizes.length; i++) sizes[i] = -1;
    for (const name in given) if (!this.declared.has(name)) return this.bindSlowly(given, needed);
    for (const input of this.host.graph.inputs) {
      const value = given[input.name];
      if (value === undefined) continue;
      if (!(value instanceof Tensor)) return this.bindSlowly(given, needed);
      if (value.requiresGrad) return null;
      const storage = value.storage;
      const dtypeOk =
        input.dtype === 'int32' ? storage instanceof Int32Array : storage instanceof Float32Array;
      if (!dtypeOk) {
        if (input.dtype === 'float32' && storage instanceof Float64Array) return null;
        return this.bindSlowly(given, needed);
      }
      if (value.shape.length !== input.shape.length) return this.bindSlowly(given, needed);
      for (let axis = 0; axis < input.shape.length; axis++) {
        const dim = input.shape[axis];
        const size = value.shape[axis];
        if (typeof dim === 'number') {
          if (size !== dim) return this.bindSlowly(given, needed);
          continue;
        }
        const s = this.symbols.indexOf(dim);
        if (sizes[s] === -1) sizes[s] = size;
        else if (sizes[s] !== size) return this.bindSlowly(given, needed);
      }
    }
    for (const input of needed) {
      if (given[input.name] === undefined) return this.bindSlowly(given, needed);
    }
    return given;
  }

  /** bindInputs' conversions and errors; the tensors it makes then go through the checks. */
  private bindSlowly(given: Inputs, needed: readonly GraphInput[]): Inputs | null {
    const neededNames = new Set(needed.map((i) => i.name));
    const bound = bindInputs(this.host.graph.inputs, neededNames, given);
    // All tensors already and nothing to throw about: a case these checks do not cover.
    if (Object.values(given).every((v) => v instanceof Tensor)) return null;
    return this.checkInputs(Object.fromEntries(bound), needed);
  }
}
