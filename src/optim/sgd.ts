import { withGradMode } from '../autograd/grad-mode.js';
import { kernelFloat32 } from '../kernels/buffers.js';
import { zero_ } from '../ops/inplace.js';
import type { Storage } from '../tensor/dtype.js';
import { formatShape, ShapeError, ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { type SGDHyperparameters, sgdUpdate } from './sgd-update.js';

export type { SGDHyperparameters } from './sgd-update.js';

/** The options of `new SGD(...)`; each defaults as torch.optim.SGD (lr has no default). */
export type SGDOptions = Partial<SGDHyperparameters>;

/** A group as given to the constructor: its parameters and the options it overrides. */
export interface ParamGroupInput extends SGDOptions {
  params: Tensor[];
}

/** A group as the optimizer holds it: every option filled in. Change `lr` freely (schedules do). */
export interface ParamGroup extends SGDHyperparameters {
  params: Tensor[];
}

/** Plain JSON, like torch's optimizer.state_dict(): parameters are numbered across all groups. */
export interface SGDStateDict {
  state: Record<number, { momentumBuffer: number[] | null }>;
  paramGroups: (SGDHyperparameters & { params: number[] })[];
}

interface ParamState {
  /** null while momentum is 0, or before the first step with momentum. */
  momentumBuffer: Storage | null;
}

const DEFAULTS: Omit<SGDHyperparameters, 'lr'> = {
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

const HYPERPARAMETERS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'];

/**
 * Stochastic gradient descent with momentum, with the update rule and numbers of
 * torch.optim.SGD (see sgd-update.ts and docs/optim.md).
 */
export class SGD {
  readonly paramGroups: ParamGroup[] = [];
  readonly defaults: SGDOptions;
  private readonly state = new Map<Tensor, ParamState>();

  constructor(params: Tensor[] | ParamGroupInput[], options: SGDOptions = {}) {
    checkOptions(options, '');
    this.defaults = { ...DEFAULTS, ...options };
    if (!Array.isArray(params)) {
      throw new ValueError(
        'SGD: params must be an array of tensors or of parameter groups ({ params: [...], lr?, ... })',
      );
    }
    if (params.length === 0) throw new ValueError('SGD got an empty parameter list');
    const groups: ParamGroupInput[] = params.every((p) => p instanceof Tensor)
      ? [{ params: params as Tensor[] }]
      : (params as ParamGroupInput[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group of parameters with its own options (torch's add_param_group). */
  addParamGroup(group: ParamGroupInput): void {
    const where = `parameter group ${this.paramGroups.length}`;
    if (group instanceof Tensor || !Array.isArray(group?.params)) {
      throw new ValueError(
        `SGD: ${where} must be { params: Tensor[], ...options } (a list mixes tensors and groups?)`,
      );
    }
    for (const key of Object.keys(group)) {
      if (key !== 'params' && !HYPERPARAMETERS.includes(key)) {
        throw new ValueError(
          `SGD: ${where} has an unknown option '${key}' (known: ${HYPERPARAMETERS.join(', ')})`,
        );
      }
    }
    const { params, ...overrides } = group;
    const resolved = { ...this.defaults, ...overrides };
    if (resolved.lr === undefined) {
      throw new ValueError(
        `SGD: ${where} has no learning rate (give options.lr or the group's lr)`,
      );
    }
    checkOptions(resolved, ` (${where})`);
    const seen = new Set<Tensor>();
    for (const [i, p] of params.entries()) {
      checkParameter(p, `${where}, parameter ${i}`);
      if (seen.has(p)) throw new ValueError(`SGD: ${where} lists parameter ${i} twice`);
      seen.add(p);
    }
    if (this.paramGroups.some((g) => g.params.some((p) => seen.has(p)))) {
      throw new ValueError('SGD: some parameters appear in more than one parameter group');
    }
    this.paramGroups.push({ ...(resolved as SGDHyperparameters), params: [...params] });
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
              `SGD.step: a parameter of shape ${formatShape(p.shape)} has a gradient of shape ${formatShape(p.grad.shape)}`,
            );
          }
          const state = this.stateOf(p);
          const firstStep = group.momentum !== 0 && state.momentumBuffer === null;
          if (firstStep) state.momentumBuffer = newBuffer(p);
          const buffer = group.momentum !== 0 ? state.momentumBuffer : null;
          sgdUpdate(p.storage, p.grad.storage, buffer, firstStep, group);
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

  /** Momentum buffers and group options, as plain JSON (numbers, not tensors). */
  stateDict(): SGDStateDict {
    const state: SGDStateDict['state'] = {};
    const paramGroups: SGDStateDict['paramGroups'] = [];
    let index = 0;
    for (const { params, ...options } of this.paramGroups) {
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s) state[index] = { momentumBuffer: s.momentumBuffer && Array.from(s.momentumBuffer) };
        indices.push(index++);
      }
      paramGroups.push({ ...options, params: indices });
    }
    return { state, paramGroups };
  }

  /**
   * Restores what stateDict() gave (also after a JSON round trip): group options and momentum
   * buffers. Parameters are matched by position; the groups must have the same sizes.
   */
  loadStateDict(sd: SGDStateDict): void {
    const saved = sd?.paramGroups;
    if (!Array.isArray(saved) || typeof sd.state !== 'object' || sd.state === null) {
      throw new ValueError('SGD.loadStateDict: expected { state, paramGroups } from stateDict()');
    }
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(
        `SGD.loadStateDict: the state dict has ${saved.length} parameter groups, this optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((group, g) => {
      const mine = this.paramGroups[g].params;
      if (!Array.isArray(group.params) || group.params.length !== mine.length) {
        throw new ValueError(
          `SGD.loadStateDict: parameter group ${g} has ${group.params?.length} parameters in the state dict, ${mine.length} here`,
        );
      }
      const malformed = HYPERPARAMETERS.filter(
        (key) =>
          typeof group[key as keyof SGDHyperparameters] !==
          (key === 'nesterov' || key === 'maximize' ? 'boolean' : 'number'),
      );
      if (malformed.length > 0) {
        throw new ValueError(
          `SGD.loadStateDict: parameter group ${g} lacks or mistypes ${malformed.join(', ')}`,
        );
      }
      checkOptions(group, ` (state dict, parameter group ${g})`);
      group.params.forEach((index, i) => {
        byIndex.set(index, mine[i]);
      });
    });
    const restored = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) {
        throw new ValueError(`SGD.loadStateDict: state for parameter ${key}, which no group lists`);
      }
      const values = entry?.momentumBuffer ?? null;
      if (values !== null && (!Array.isArray(values) || values.length !== p.size)) {
        throw new ValueError(
          `SGD.loadStateDict: the momentum buffer of parameter ${key} has ${Array.isArray(values) ? values.length : 'no'} values, the parameter ${p.size} (shape ${formatShape(p.shape)})`,
        );
      }
      let buffer: Storage | null = null;
      if (values !== null) {
        buffer = newBuffer(p);
        buffer.set(values);
      }
      restored.set(p, { momentumBuffer: buffer });
    }
    saved.forEach((group, g) => {
      const target = this.paramGroups[g];
      target.lr = group.lr;
      target.momentum = group.momentum;
      target.dampening = group.dampening;
      target.weightDecay = group.weightDecay;
      target.nesterov = group.nesterov;
      target.maximize = group.maximize;
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }

  private stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = { momentumBuffer: null };
      this.state.set(p, s);
    }
    return s;
  }
}

/**
 * A zeroed momentum buffer for `p`. Float32 ones go where the update kernel uses them in place
 * (wasm memory), which is safe because they never leave the optimizer: stateDict copies them.
 */
function newBuffer(p: Tensor): Storage {
  return p.dtype === 'float64' ? new Float64Array(p.size) : kernelFloat32(p.size);
}

function checkOptions(o: SGDOptions, where: string): void {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = o;
  if (lr !== undefined && !(lr >= 0)) throw new ValueError(`Invalid learning rate: ${lr}${where}`);
  if (!(momentum >= 0)) throw new ValueError(`Invalid momentum value: ${momentum}${where}`);
  if (!(dampening >= 0)) throw new ValueError(`Invalid dampening value: ${dampening}${where}`);
  if (!(weightDecay >= 0)) {
    throw new ValueError(`Invalid weightDecay value: ${weightDecay}${where}`);
  }
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ValueError(`Nesterov momentum requires a momentum and zero dampening${where}`);
  }
}

function checkParameter(p: unknown, where: string): void {
  if (!(p instanceof Tensor)) {
    throw new ValueError(`SGD: ${where} is not a tensor (got ${typeof p})`);
  }
  if (p.dtype === 'int32') {
    throw new ValueError(`SGD: ${where} is int32; only float tensors can be optimized`);
  }
  if (!p.isLeaf) {
    throw new ValueError(
      `SGD: ${where} is not a leaf (it was made by ${p.gradFn?.name}); optimize the Parameter it came from`,
    );
  }
}
