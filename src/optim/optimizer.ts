import { withGradMode } from '../autograd/grad-mode.js';
import { zero_ } from '../ops/inplace.js';
import type { Storage } from '../tensor/dtype.js';
import { formatShape, ShapeError, ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions, defaultsOf, type OptionRules, type OptionValue, words } from './options.js';

/** One entry of a parameter's state: a tensor (moments, buffers), a count (`step`), or nothing yet. */
export type StateValue = Tensor | number | null;

/** A parameter's state, by torch's names in camelCase (`momentumBuffer`, `expAvg`, `step`). */
export type ParamState = Record<string, StateValue>;

/** What every optimizer's options have; the rest depends on the optimizer. */
export interface Hyperparameters {
  lr: number;
}

/** A group as given to the constructor: its parameters and the options it overrides. */
export type ParamGroupInput<O extends object = Hyperparameters> = Partial<O> & {
  params: Tensor[];
};

/** A group as the optimizer holds it: every option filled in. Change `lr` freely (schedules do). */
export type ParamGroup<H extends object = Hyperparameters> = H & { params: Tensor[] };

/**
 * torch's optimizer.state_dict() layout in camelCase: `state` by parameter index (parameters are
 * numbered in order across all groups) and `paramGroups` with every option and the indices of
 * their parameters. State tensors are copies, so the dict is a snapshot.
 */
export interface OptimizerStateDict<H extends object = Hyperparameters> {
  state: Record<number, ParamState>;
  paramGroups: (H & { params: number[] })[];
}

/**
 * What the registry knows of an optimizer: its spec name, class, torch.optim arguments (as
 * option rules) and the names of its per-parameter state tensors. The trainer, the checkpoints
 * and the JSON Schema read optimizers only through this.
 */
export interface OptimizerDefinition {
  /** The key under `train.optimizer` in a spec. */
  name: string;
  /** The TypeScript class, named as torch's. */
  className: string;
  description: string;
  options: OptionRules;
  /** The tensors of a parameter's state; any other entry is a number (`step`). */
  stateNames: readonly string[];
  /** A rule between options (SGD's nesterov), as torch's message, or null when it holds. */
  check?: (group: Readonly<Record<string, OptionValue>>) => string | null;
  create(params: Tensor[] | ParamGroupInput[], options?: Record<string, OptionValue>): Optimizer;
}

/**
 * The base of every optimizer, as torch.optim.Optimizer: parameter groups with every option
 * filled in (group, then constructor options, then torch's defaults), per-parameter state,
 * step(), zeroGrad() and a state dict in torch's layout. A subclass gives its definition, how a
 * parameter's state starts and the update of one parameter.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  readonly paramGroups: ParamGroup<H>[] = [];
  /** The constructor's options over torch's defaults: what a new group's missing keys take. */
  readonly defaults: Partial<H>;
  /** Each parameter's state, created at its first update (torch's optimizer.state). */
  readonly state = new Map<Tensor, ParamState>();

  protected constructor(
    params: Tensor[] | ParamGroupInput<H>[],
    options: Partial<H>,
    readonly definition: OptimizerDefinition,
  ) {
    const { className, options: rules } = definition;
    checkOptions(className, rules, options as Record<string, unknown>);
    this.defaults = { ...defaultsOf(rules), ...stripUndefined(options) } as Partial<H>;
    if (!Array.isArray(params)) {
      throw new ValueError(
        `${className}: params must be an array of tensors or of parameter groups ({ params: [...], lr?, ... })`,
      );
    }
    if (params.length === 0) throw new ValueError(`${className} got an empty parameter list`);
    const groups = params.every((p) => p instanceof Tensor)
      ? [{ params: params as Tensor[] } as ParamGroupInput<H>]
      : (params as ParamGroupInput<H>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group of parameters with its own options (torch's add_param_group). */
  addParamGroup(group: ParamGroupInput<H>): void {
    const { className, options: rules } = this.definition;
    const where = `parameter group ${this.paramGroups.length}`;
    if (group instanceof Tensor || group === null || !Array.isArray(group?.params)) {
      throw new ValueError(
        `${className}: ${where} must be { params: Tensor[], ...options } (a list mixes tensors and groups?)`,
      );
    }
    const { params, ...overrides } = group;
    checkOptions(className, rules, overrides, ` (${where})`);
    const resolved = { ...this.defaults, ...stripUndefined(overrides) } as Record<
      string,
      OptionValue
    >;
    const missing = Object.keys(rules).filter((key) => resolved[key] === undefined);
    if (missing.length > 0) {
      const key = missing[0];
      throw new ValueError(
        key === 'lr'
          ? `${className}: ${where} has no learning rate (give options.lr or the group's lr)`
          : `${className}: ${where} has no ${key}`,
      );
    }
    this.checkGroup(resolved, ` (${where})`);
    const seen = new Set<Tensor>();
    for (const [i, p] of params.entries()) {
      checkParameter(className, p, `${where}, parameter ${i}`);
      if (seen.has(p)) throw new ValueError(`${className}: ${where} lists parameter ${i} twice`);
      seen.add(p);
    }
    if (this.paramGroups.some((g) => g.params.some((p) => seen.has(p)))) {
      throw new ValueError(`${className}: some parameters appear in more than one parameter group`);
    }
    const added = { ...resolved, params: [...params] } as ParamGroup<H>;
    this.paramGroups.push(added);
    this.groupAdded(added);
  }

  /**
   * Updates every parameter that has a gradient, in place (its version counter moves, so a
   * graph that saved it reports the change). With a closure, it is called first (recording
   * on) to recompute the loss, and its result is returned, as torch's step(closure).
   */
  step<T>(closure?: () => T): T | undefined {
    const result = closure ? withGradMode(true, closure) : undefined;
    withGradMode(false, () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          if (p.grad.size !== p.size) {
            throw new ShapeError(
              `${this.definition.className}.step: a parameter of shape ${formatShape(p.shape)} has a gradient of shape ${formatShape(p.grad.shape)}`,
            );
          }
          let state = this.state.get(p);
          if (state === undefined) {
            state = this.initialState(p, group);
            this.state.set(p, state);
          }
          this.update(p.storage, p.grad.storage, state, group, p);
          p.version.value++;
        }
      }
    });
    return result;
  }

  /** Clears every gradient: `setToNone` (default) sets `.grad` to null, else zeroes it in place. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else withGradMode(false, () => zero_(p.grad as Tensor));
      }
    }
  }

  /** The state (tensors copied) and the groups' options, in torch's layout. */
  stateDict(): OptimizerStateDict<H> {
    const state: Record<number, ParamState> = {};
    const paramGroups: OptimizerStateDict<H>['paramGroups'] = [];
    let index = 0;
    for (const { params, ...options } of this.paramGroups) {
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s) {
          state[index] = Object.fromEntries(
            Object.entries(s).map(([name, v]) => [
              name,
              v instanceof Tensor ? new Tensor(v.storage.slice(), v.shape) : v,
            ]),
          );
        }
        indices.push(index++);
      }
      paramGroups.push({ ...structuredClone(options), params: indices } as unknown as H & {
        params: number[];
      });
    }
    return { state, paramGroups };
  }

  /**
   * Restores what stateDict() gave: every group's options and every parameter's state, copied.
   * Parameters are matched by position: the groups must have the same sizes, each state tensor
   * as many values as its parameter. State tensors may also be plain arrays of numbers (the
   * JSON of checkpoints before format 2). Nothing changes unless all of it fits.
   */
  loadStateDict(sd: OptimizerStateDict<H>): void {
    const { className, options: rules, stateNames } = this.definition;
    const fail = (message: string): never => {
      throw new ValueError(`${className}.loadStateDict: ${message}`);
    };
    const saved = sd?.paramGroups;
    if (!Array.isArray(saved) || typeof sd.state !== 'object' || sd.state === null) {
      fail('expected { state, paramGroups } from stateDict()');
    }
    if (saved.length !== this.paramGroups.length) {
      fail(
        `the state dict has ${saved.length} parameter groups, this optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    const options: Record<string, OptionValue>[] = saved.map((group, g) => {
      const mine = this.paramGroups[g].params;
      if (!Array.isArray(group.params) || group.params.length !== mine.length) {
        fail(
          `parameter group ${g} has ${group.params?.length} parameters in the state dict, ${mine.length} here`,
        );
      }
      const { params, ...rest } = group as Record<string, unknown> & { params: number[] };
      const malformed = Object.entries(rules)
        .filter(([key, rule]) => !hasType(rest[key], rule.type))
        .map(([key]) => key);
      if (malformed.length > 0) {
        fail(`parameter group ${g} lacks or mistypes ${malformed.join(', ')}`);
      }
      const where = ` (state dict, parameter group ${g})`;
      checkOptions(className, rules, rest, where);
      this.checkGroup(rest as Record<string, OptionValue>, where);
      params.forEach((index, i) => {
        byIndex.set(index, mine[i]);
      });
      return rest as Record<string, OptionValue>;
    });
    const restored = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) fail(`state for parameter ${key}, which no group lists`);
      if (entry === null || typeof entry !== 'object')
        fail(`the state of parameter ${key} is not an object`);
      const state: ParamState = {};
      for (const [name, value] of Object.entries(entry)) {
        if (stateNames.includes(name)) {
          const values = numbersOf(value);
          if (value !== null && (values === null || values.length !== (p as Tensor).size)) {
            fail(
              `the ${words(name)} of parameter ${key} has ${values?.length ?? 'no'} values, the parameter ${(p as Tensor).size} (shape ${formatShape((p as Tensor).shape)})`,
            );
          }
          state[name] = null;
          if (values !== null) {
            const t = this.newStateTensor(p as Tensor);
            t.storage.set(values);
            state[name] = t;
          }
        } else if (name === 'step' && typeof value === 'number') {
          state[name] = value;
        } else {
          fail(
            `parameter ${key} has state '${name}', which ${className} does not keep (it keeps ${[...stateNames, 'step'].join(', ')})`,
          );
        }
      }
      restored.set(p as Tensor, state);
    }
    options.forEach((group, g) => {
      Object.assign(this.paramGroups[g], structuredClone(group));
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }

  /** A new parameter's state, made at its first update (or, for Adagrad, when its group is added). */
  protected abstract initialState(p: Tensor, group: ParamGroup<H>): ParamState;

  /** One parameter's update, in place, with recording off. */
  protected abstract update(
    param: Storage,
    grad: Storage,
    state: ParamState,
    group: ParamGroup<H>,
    p: Tensor,
  ): void;

  /** Called for each group added (Adagrad fills its accumulators here, as torch does). */
  protected groupAdded(_group: ParamGroup<H>): void {}

  /** A zeroed state tensor for `p` (SGD puts its momentum buffers where its kernel works). */
  protected newStateTensor(p: Tensor): Tensor {
    return zerosLike(p);
  }

  private checkGroup(group: Readonly<Record<string, OptionValue>>, where: string): void {
    const problem = this.definition.check?.(group);
    if (problem) throw new ValueError(`${problem}${where}`);
  }
}

/** A zeroed tensor of p's shape and dtype (float64 for float64 parameters, else float32). */
export function zerosLike(p: Tensor, fill = 0): Tensor {
  const storage = p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size);
  if (fill !== 0) storage.fill(fill);
  return new Tensor(storage, p.shape);
}

/** A state entry's tensor, in place for the update rules to read and write. */
export function stateStorage(state: ParamState, name: string): Storage {
  return (state[name] as Tensor).storage;
}

/** The numbers of a state entry: a tensor, or an array (the JSON of format-1 checkpoints). */
function numbersOf(value: unknown): ArrayLike<number> | null {
  if (value instanceof Tensor) return value.storage;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return value as ArrayLike<number>;
  return null;
}

function hasType(value: unknown, type: 'number' | 'boolean' | 'pair'): boolean {
  if (type === 'pair') return Array.isArray(value) && value.length === 2;
  return typeof value === type;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkParameter(owner: string, p: unknown, where: string): void {
  if (!(p instanceof Tensor)) {
    throw new ValueError(`${owner}: ${where} is not a tensor (got ${typeof p})`);
  }
  if (p.dtype === 'int32') {
    throw new ValueError(`${owner}: ${where} is int32; only float tensors can be optimized`);
  }
  if (!p.isLeaf) {
    throw new ValueError(
      `${owner}: ${where} is not a leaf (it was made by ${p.gradFn?.name}); optimize the Parameter it came from`,
    );
  }
}
