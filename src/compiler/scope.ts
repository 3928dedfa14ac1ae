import type { SpecPath } from '../spec/located.js';
import type { Env } from './env.js';
import type { Lowering } from './lowering.js';
import type { ModuleInstance } from './modules.js';

/**
 * One graph body being lowered: the spec's top level, or one call of a block instance. Local
 * names (inputs, parameters, graph entries) stand for values of the one flat graph, whose names
 * are unique: a block's entry `y` called at path `h.0` is node `h.0/y` (`h.0:2/y` on a second
 * call of the same instance). Parameters are named by their dotted path (`h.0.attn.c_attn.weight`).
 */
export class Scope {
  /** Local name -> the value's name in the graph. */
  readonly locals = new Map<string, string>();
  readonly modules = new Map<string, ModuleInstance>();
  /** Every name the body declares, lowered or not (a failed one is known, just valueless). */
  readonly declared = new Set<string>();

  constructor(
    readonly lowering: Lowering,
    /** The module path of this body ('' at the top level), the prefix of its parameters. */
    readonly path: string,
    /** Where this body is declared: [] for the top level, ['blocks', NAME] for a block. */
    readonly specPath: SpecPath,
    readonly env: Env,
    /** Prefixed to its entries' names: '' at the top level, 'h.0/' in a block instance. */
    private readonly nodePrefix: string,
  ) {}

  /** A parameter's or module's dotted path from a local name. */
  qualify(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  nodeName(entry: string): string {
    return `${this.nodePrefix}${entry}`;
  }

  /**
   * The graph value a name stands for: a local, or a dotted path to a parameter of a module of
   * this body (`wte.weight`, `h.0.ln_1.bias`); undefined when there is none (yet).
   */
  value(name: string): string | undefined {
    const local = this.locals.get(name);
    if (local !== undefined) return local;
    if (!name.includes('.')) return undefined;
    const qualified = this.qualify(name);
    return this.lowering.values.has(qualified) ? qualified : undefined;
  }

  /** Everything a name in this body may refer to, for messages. */
  known(): Set<string> {
    return new Set([...this.declared, ...this.locals.keys(), ...this.modules.keys()]);
  }
}
