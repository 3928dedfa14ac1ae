import type { InitSpec } from '../spec/types.js';
import type { Fan } from './fan.js';
import type { ResolvedInit } from './graph.js';

type ArgValue = number | string;

interface InitDef {
  /** Arguments with their defaults; `undefined` = required. */
  args: Record<string, ArgValue | undefined>;
  needsFan: boolean;
}

const FAN_ARGS = { fan_in: undefined, fan_out: undefined };

const INITS: Record<ResolvedInit['kind'], InitDef> = {
  zeros: { args: {}, needsFan: false },
  ones: { args: {}, needsFan: false },
  constant: { args: { value: undefined }, needsFan: false },
  normal: { args: { mean: 0, std: 1 }, needsFan: false },
  uniform: { args: { low: 0, high: 1 }, needsFan: false },
  xavier_uniform: { args: { gain: 1, ...FAN_ARGS }, needsFan: true },
  xavier_normal: { args: { gain: 1, ...FAN_ARGS }, needsFan: true },
  kaiming_uniform: {
    args: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu', ...FAN_ARGS },
    needsFan: true,
  },
  kaiming_normal: {
    args: { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu', ...FAN_ARGS },
    needsFan: true,
  },
};

const OPTIONAL_FAN = new Set(['fan_in', 'fan_out']);
const MODES = ['fan_in', 'fan_out'];
const NONLINEARITIES = ['leaky_relu', 'relu', 'linear', 'tanh', 'sigmoid'];

/**
 * Fills in every argument of an init. `fan` is where the parameter is contracted (or torch's rule);
 * explicit fan_in/fan_out win. Without `init` a parameter is zeros (the schema's default).
 */
export function resolveInit(
  spec: InitSpec | undefined,
  fan: Fan,
): { init: ResolvedInit } | { message: string } {
  const chosen = spec ?? 'zeros';
  const [kind, given] =
    typeof chosen === 'string' ? [chosen, {}] : (Object.entries(chosen)[0] ?? ['', {}]);
  if (!(kind in INITS)) {
    return { message: `unknown init '${kind}' (known: ${Object.keys(INITS).join(', ')})` };
  }
  const def = INITS[kind as ResolvedInit['kind']];
  const givenArgs: Record<string, ArgValue> = given ?? {};
  const unknown = Object.keys(givenArgs).find((name) => !(name in def.args));
  if (unknown !== undefined) {
    const known = Object.keys(def.args);
    return {
      message: `init ${kind} has no argument '${unknown}' (${known.length ? `known: ${known.join(', ')}` : 'it takes none'})`,
    };
  }
  // Arguments in their documented order, defaults filled in.
  const args: Record<string, ArgValue> = {};
  for (const [name, fallback] of Object.entries(def.args)) {
    if (name in givenArgs) args[name] = givenArgs[name];
    else if (OPTIONAL_FAN.has(name)) continue;
    else if (fallback === undefined)
      return { message: `init ${kind} needs the argument '${name}'` };
    else args[name] = fallback;
  }
  for (const [name, value] of Object.entries(args)) {
    const isText = name === 'mode' || name === 'nonlinearity';
    if (isText !== (typeof value === 'string')) {
      return {
        message: `init ${kind}: ${name} must be ${isText ? 'a name' : 'a number'}, got ${JSON.stringify(value)}`,
      };
    }
  }
  if (args.mode !== undefined && !MODES.includes(args.mode as string)) {
    return { message: `init ${kind}: mode must be fan_in or fan_out, got '${args.mode}'` };
  }
  if (args.nonlinearity !== undefined && !NONLINEARITIES.includes(args.nonlinearity as string)) {
    return {
      message: `init ${kind}: nonlinearity must be one of ${NONLINEARITIES.join(', ')}, got '${args.nonlinearity}'`,
    };
  }
  if (!def.needsFan) return { init: { kind, ...args } as ResolvedInit };
  const fanIn = (args.fan_in as number | undefined) ?? fan.fanIn;
  const fanOut = (args.fan_out as number | undefined) ?? fan.fanOut;
  delete args.fan_in;
  delete args.fan_out;
  const needed = kind.startsWith('xavier') ? ['fan_in', 'fan_out'] : [args.mode as string];
  const missing = needed.find((n) => (n === 'fan_in' ? fanIn : fanOut) === null);
  if (missing) {
    return {
      message: `init ${kind} needs ${missing}, which cannot be computed: the parameter has fewer than 2 axes and is not contracted by @ or linear; give it, e.g. {${kind}: {${missing}: 64}}`,
    };
  }
  return { init: { kind, ...args, fanIn, fanOut } as ResolvedInit };
}
