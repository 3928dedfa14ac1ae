import type { ParamGroupSpec } from '../spec/types.js';

/**
 * A glob over parameter paths as a RegExp, with fnmatch's rules: `*` any run of characters
 * (dots included, so `*.bias` takes `layers.0.bias`), `?` one character, `[abc]` / `[!abc]`
 * one of / none of; the whole path must match.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, end);
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      out += `[${set.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** What grouping needs to know of a parameter. */
export interface GroupedParam {
  name: string;
  shape: readonly number[];
}

export interface GroupAssignment {
  /** For each spec group, the paths it takes, in parameter order. */
  groups: string[][];
  /** The paths no group took (the default group). */
  rest: string[];
  /** Selectors that take nothing: which group, which glob (none for ndim_below), and why. */
  empty: { group: number; glob?: number; reason: 'no match' | 'taken' }[];
}

function globsOf(group: ParamGroupSpec): string[] {
  if (group.params === undefined) return [];
  return Array.isArray(group.params) ? group.params : [group.params];
}

/**
 * Splits the parameters between the spec's groups, in order: the first group whose selector
 * (a glob of `params`, or `ndim_below`) matches a parameter takes it; the others form the rest.
 */
export function assignParamGroups(
  params: readonly GroupedParam[],
  groups: readonly ParamGroupSpec[],
): GroupAssignment {
  const taken = new Set<string>();
  const empty: GroupAssignment['empty'] = [];
  const assigned = groups.map((group, g) => {
    const mine: string[] = [];
    const selectors =
      group.ndim_below !== undefined
        ? [
            {
              glob: undefined,
              test: (p: GroupedParam) => p.shape.length < (group.ndim_below as number),
            },
          ]
        : globsOf(group).map((glob, i) => {
            const re = globToRegExp(glob);
            return { glob: i as number | undefined, test: (p: GroupedParam) => re.test(p.name) };
          });
    for (const { glob, test } of selectors) {
      const matching = params.filter(test);
      const fresh = matching.filter((p) => !taken.has(p.name) && !mine.includes(p.name));
      if (matching.length === 0) empty.push({ group: g, glob, reason: 'no match' });
      else if (fresh.length === 0 && !matching.some((p) => mine.includes(p.name))) {
        empty.push({ group: g, glob, reason: 'taken' });
      }
      mine.push(...fresh.map((p) => p.name));
    }
    for (const name of mine) taken.add(name);
    const order = new Map(params.map((p, i) => [p.name, i]));
    return mine.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  });
  return {
    groups: assigned,
    rest: params.filter((p) => !taken.has(p.name)).map((p) => p.name),
    empty,
  };
}
