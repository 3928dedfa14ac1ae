import { type Dim, formatShape } from '../opdefs/dims.js';
import { CODES, ShapeIssue } from '../opdefs/shape-issue.js';
import type { AttrValue, ModuleBuffer, ModuleKind, ModuleParam } from '../opdefs/types.js';
import type { SpecPath } from '../spec/located.js';
import type { BlockSpec } from '../spec/types.js';
import type { Env } from './env.js';
import { ABSENT } from './graph.js';
import type { Lowering } from './lowering.js';
import { type ModulePlan, planModule } from './module-spec.js';
import type { Site } from './report.js';

/**
 * A module of the tree: a built-in kind, a block instance, a repeat or a sequential. It owns
 * parameters (dotted names under its path) and is called from expressions like a function;
 * each call adds the nodes it computes and returns the name of its result.
 */
export interface ModuleInstance {
  /** Its dotted path (`h.0.attn`), the prefix of its parameters' names. */
  readonly path: string;
  /** What it is, for summaries and export: `linear`, `block gpt_block`, `repeat`, `sequential`. */
  readonly kind: string;
  /** Where it is declared. */
  readonly site: Site;
  /** How many operands a call takes. */
  readonly arity: number;
  /**
   * Adds the nodes of one call on `operands` (value names); the result is named `name` (a
   * block's result keeps its own name and an identity node is the caller's business).
   * Returns the result's value name, or null when a finding was reported.
   */
  call(operands: readonly string[], name: string, site: Site, operandSites: Site[]): string | null;
  /** Its child modules, in declaration order. */
  children(): readonly ModuleInstance[];
  /** Times it has been called. */
  readonly calls: number;
}

/** What a module needs from the compiler around it. */
export interface ModuleContext {
  lowering: Lowering;
  /** The blocks of the spec, by name. */
  blocks: ReadonlyMap<string, BlockSpec>;
  /** Lowers a block instance's graph once per call (lower.ts). */
  lowerBlockBody(
    instance: BlockInstance,
    operands: readonly string[],
    callIndex: number,
  ): string | null;
}

/**
 * The declaration order key of a module's own parameters (0), buffers (1) and children (2):
 * torch's state_dict lists a module's parameters, then its buffers, then each child's, in the
 * order they were registered.
 */
export type OrderKey = readonly number[];

const child = (path: string, name: string | number) =>
  path === '' ? String(name) : `${path}.${name}`;

/** Builds the instance a declaration asks for; null after reporting why it cannot be built. */
export function buildModule(
  ctx: ModuleContext,
  entry: unknown,
  path: string,
  env: Env,
  site: Site,
  key: OrderKey,
  building: readonly string[],
): ModuleInstance | null {
  const plan = planModule(entry, env, new Set(ctx.blocks.keys()));
  if ('message' in plan) {
    ctx.lowering.reporter.error(plan.code, { path: [...site.path, ...plan.at] }, plan.message);
    return null;
  }
  return instantiate(ctx, plan, path, env, site, key, building);
}

function instantiate(
  ctx: ModuleContext,
  plan: ModulePlan,
  path: string,
  env: Env,
  site: Site,
  key: OrderKey,
  building: readonly string[],
): ModuleInstance | null {
  switch (plan.kind) {
    case 'op':
      return new KindModule(ctx, plan, path, site, key);
    case 'block':
      return BlockInstance.create(ctx, plan.block, plan.args, path, env, site, key, building);
    case 'repeat': {
      const children: ModuleInstance[] = [];
      for (let i = 0; i < plan.count; i++) {
        const instance = BlockInstance.create(
          ctx,
          plan.block,
          plan.args,
          child(path, i),
          env,
          site,
          [...key, 2, i],
          building,
        );
        if (instance === null) return null;
        children.push(instance);
      }
      return new ChainModule(ctx, 'repeat', path, site, children);
    }
    case 'sequential':
      return buildSequential(
        ctx,
        plan.entries,
        path,
        env,
        site,
        (i) => ({ path: [...site.path, 'sequential', i] }),
        key,
        building,
      );
  }
}

/**
 * A sequential module of `entries`, children named 0, 1, ... (nn.Sequential); `entrySite(i)`
 * is where entry i is written. Null after reporting an entry it cannot build.
 */
export function buildSequential(
  ctx: ModuleContext,
  entries: readonly unknown[],
  path: string,
  env: Env,
  site: Site,
  entrySite: (i: number) => Site,
  key: OrderKey,
  building: readonly string[],
): ChainModule | null {
  const children: ModuleInstance[] = [];
  entries.forEach((entry, i) => {
    const instance = buildModule(
      ctx,
      entry,
      child(path, i),
      env,
      entrySite(i),
      [...key, 2, i],
      building,
    );
    if (instance !== null) children.push(instance);
  });
  if (children.length !== entries.length) return null;
  return new ChainModule(ctx, 'sequential', path, site, children);
}

/**
 * The op's operands after the input, from a module's parameters and buffers: by the names the
 * module kind lists (ABSENT for one it lacks, trailing ones dropped), else the parameters then
 * the buffers in order.
 */
function moduleOperands(
  module: ModuleKind,
  params: readonly ModuleParam[],
  buffers: readonly ModuleBuffer[],
  path: string,
): string[] {
  const made = [...params, ...buffers].map((entry) => entry.name);
  if (module.operands === undefined) return made.map((name) => child(path, name));
  const unbound = made.find((name) => !module.operands?.includes(name));
  if (unbound !== undefined) throw new Error(`module kind: '${unbound}' is bound to no operand`);
  const operands = module.operands.map((name) =>
    made.includes(name) ? child(path, name) : ABSENT,
  );
  while (operands.length > 0 && operands[operands.length - 1] === ABSENT) operands.pop();
  return operands;
}

/** A built-in kind: one op whose operands after the input are the module's parameters and buffers. */
export class KindModule implements ModuleInstance {
  readonly arity = 1;
  calls = 0;
  private operandNames: string[] | null = null;
  private firstShapes: string[] = [];
  private firstInput = '';

  constructor(
    private readonly ctx: ModuleContext,
    private readonly plan: Extract<ModulePlan, { kind: 'op' }>,
    readonly path: string,
    readonly site: Site,
    private readonly key: OrderKey,
  ) {}

  get kind(): string {
    return this.plan.layer.name;
  }

  children(): readonly ModuleInstance[] {
    return [];
  }

  /** The kind's parameters and buffers for an input of `shape`, or null after reporting why not. */
  private state(
    shape: readonly Dim[],
    x: string,
    site: Site,
  ): { params: ModuleParam[]; buffers: ModuleBuffer[] } | null {
    const { lowering } = this.ctx;
    const { module } = this.plan.layer;
    const { args } = this.plan;
    let params: ModuleParam[] | string;
    let buffers: ModuleBuffer[] | string;
    try {
      params = module.params?.(shape, args, x) ?? [];
      buffers = module.buffers?.(shape, args, x) ?? [];
    } catch (error) {
      // A kind may refuse its input's shape as an op does (channels that do not split into groups).
      if (!(error instanceof ShapeIssue)) throw error;
      lowering.reporter.error(error.code, site, error.message);
      return null;
    }
    for (const made of [params, buffers]) {
      if (typeof made === 'string') {
        lowering.reporter.error(CODES.layerInput, site, made);
        return null;
      }
    }
    return { params: params as ModuleParam[], buffers: buffers as ModuleBuffer[] };
  }

  call(operands: readonly string[], name: string, site: Site, operandSites: Site[]): string | null {
    const { lowering } = this.ctx;
    const { layer, args, inits } = this.plan;
    const x = operands[0];
    const input = lowering.values.get(x);
    if (input === undefined) return null;
    const state = this.state(input.shape, x, site);
    if (state === null) return null;
    const { params, buffers } = state;
    const shapes = [...params, ...buffers].map((p) => formatShape(p.shape));
    if (this.operandNames === null) {
      const unknownInit = Object.keys(inits).find((n) => !params.some((p) => p.name === n));
      if (unknownInit !== undefined) {
        lowering.reporter.error(
          'MS215',
          { path: [...this.site.path, layer.name, 'init', unknownInit] },
          `${layer.name} has no parameter '${unknownInit}' to initialise (it has ${params.map((p) => p.name).join(', ') || 'none'})`,
        );
        return null;
      }
      const made = [...params, ...buffers].map((p) => child(this.path, p.name));
      const taken = made.find((n) => lowering.values.has(n));
      if (taken !== undefined) {
        lowering.reporter.error(
          'MS203',
          this.site,
          `module '${this.path}' makes '${taken}', which is already declared; rename the declared one`,
        );
        return null;
      }
      params.forEach((p, i) => {
        const override = inits[p.name];
        lowering.addParam({
          name: child(this.path, p.name),
          shape: p.shape,
          init: override === undefined ? { resolved: p.init } : { spec: override, torchFan: true },
          trainable: true,
          path: this.site.path,
          key: [...this.key, 0, i],
        });
      });
      buffers.forEach((b, i) => {
        lowering.addBuffer({
          ...b,
          name: child(this.path, b.name),
          path: this.site.path,
          key: [...this.key, 1, i],
        });
      });
      this.operandNames = moduleOperands(layer.module, params, buffers, this.path);
      this.firstShapes = shapes;
      this.firstInput = formatShape(input.shape);
    } else if (shapes.join() !== this.firstShapes.join()) {
      lowering.reporter.error(
        'MS219',
        operandSites[0] ?? site,
        `module '${this.path}' was first called on ${this.firstInput} and now on ${formatShape(input.shape)}: its parameters (${this.firstShapes.join(', ')}) cannot fit both; declare a second module`,
      );
      return null;
    }
    this.calls += 1;
    const attrs = (layer.module.attrs?.(args) ?? args) as Record<string, AttrValue>;
    return lowering.addNode({
      name,
      op: layer.op.name,
      inputs: [x, ...this.operandNames],
      attrs: { ...attrs },
      site,
      operandSites: [operandSites[0] ?? site, ...this.operandNames.map(() => this.site)],
      module: this.path,
    });
  }
}

/** repeat and sequential: children applied in order, each to the previous one's result. */
export class ChainModule implements ModuleInstance {
  readonly arity = 1;
  calls = 0;

  constructor(
    private readonly ctx: ModuleContext,
    readonly kind: 'repeat' | 'sequential',
    readonly path: string,
    readonly site: Site,
    private readonly members: readonly ModuleInstance[],
    /** The name of member i's result (the last one is the call's own name). */
    private readonly memberName: (name: string, i: number) => string = (name, i) => `${name}.${i}`,
    /** Whether each member's nodes point at its own declaration (the `layers` stack). */
    private readonly memberSites = false,
  ) {}

  children(): readonly ModuleInstance[] {
    return this.members;
  }

  /**
   * The same chain naming its members' results by their own paths, each member's nodes at its
   * own declaration (the `layers` stack).
   */
  named(memberName: (name: string, i: number) => string): ChainModule {
    return new ChainModule(
      this.ctx,
      this.kind,
      this.path,
      this.site,
      this.members,
      memberName,
      true,
    );
  }

  call(operands: readonly string[], name: string, site: Site, operandSites: Site[]): string | null {
    let current: string | null = operands[0];
    this.members.forEach((member, i) => {
      if (current === null) return;
      const last = i === this.members.length - 1;
      const memberSite = last && !this.memberSites ? site : member.site;
      current = member.call(
        [current],
        last ? name : this.memberName(name, i),
        memberSite,
        // In the `layers` stack an entry answers for what it makes of its input.
        i === 0 && !this.memberSites ? operandSites : [member.site],
      );
    });
    if (current !== null) this.calls += 1;
    return current;
  }
}

/** One instance of a user block: its own parameters, its child modules, and its graph. */
export class BlockInstance implements ModuleInstance {
  calls = 0;
  readonly modules = new Map<string, ModuleInstance>();
  readonly kind: string;

  private constructor(
    private readonly ctx: ModuleContext,
    readonly blockName: string,
    readonly block: BlockSpec,
    readonly path: string,
    readonly env: Env,
    readonly site: Site,
    readonly key: OrderKey,
  ) {
    this.kind = `block ${blockName}`;
  }

  get arity(): number {
    return this.block.inputs.length;
  }

  /** Where the block's own declarations are. */
  get specPath(): SpecPath {
    return ['blocks', this.blockName];
  }

  /**
   * The instance of block `name` with `args` at `path`; null after reporting a block that
   * instantiates itself (`building` holds the blocks being built around it) or bad args.
   */
  static create(
    ctx: ModuleContext,
    name: string,
    given: Record<string, unknown>,
    path: string,
    outer: Env,
    site: Site,
    key: OrderKey,
    building: readonly string[],
  ): BlockInstance | null {
    const { reporter } = ctx.lowering;
    if (building.includes(name)) {
      const cycle = [...building.slice(building.indexOf(name)), name].join(' -> ');
      reporter.error('MS218', site, `block '${name}' instantiates itself: ${cycle}`);
      return null;
    }
    const block = ctx.blocks.get(name) as BlockSpec;
    const env = blockEnv(ctx, name, block, given, outer, site);
    if (env === null) return null;
    const instance = new BlockInstance(ctx, name, block, path, env, site, key);
    const inner = [...building, name];
    Object.entries(block.modules ?? {}).forEach(([moduleName, entry], j) => {
      const built = buildModule(
        ctx,
        entry,
        child(path, moduleName),
        env,
        { path: ['blocks', name, 'modules', moduleName] },
        [...key, 2, j],
        inner,
      );
      if (built !== null) instance.modules.set(moduleName, built);
    });
    return instance;
  }

  children(): readonly ModuleInstance[] {
    return [...this.modules.values()];
  }

  call(operands: readonly string[]): string | null {
    const result = this.ctx.lowerBlockBody(this, operands, this.calls);
    if (result !== null) this.calls += 1;
    return result;
  }
}

/** The dims, then the block's args with their defaults, overridden by the instance's. */
function blockEnv(
  ctx: ModuleContext,
  name: string,
  block: BlockSpec,
  given: Record<string, unknown>,
  outer: Env,
  site: Site,
): Env | null {
  const { reporter } = ctx.lowering;
  const env = new Map(outer);
  const declared = block.args ?? {};
  for (const [arg, value] of Object.entries(given)) {
    if (!(arg in declared)) {
      const known = Object.keys(declared);
      reporter.error(
        'MS214',
        { path: [...site.path, 'args', arg] },
        `block '${name}' has no argument '${arg}' (${known.length ? `args: ${known.join(', ')}` : 'it takes none'})`,
      );
      return null;
    }
    const expected = typeof declared[arg];
    const resolved = typeof value === 'string' ? outer.get(value) : value;
    if (typeof resolved !== expected) {
      reporter.error(
        'MS214',
        { path: [...site.path, 'args', arg] },
        `block '${name}': argument '${arg}' must be ${expected === 'boolean' ? 'true or false' : 'a whole number'} (its default is ${JSON.stringify(declared[arg])}), got ${JSON.stringify(value)}`,
      );
      return null;
    }
    env.set(arg, resolved as number | boolean);
  }
  for (const [arg, value] of Object.entries(declared)) if (!(arg in given)) env.set(arg, value);
  return env;
}
