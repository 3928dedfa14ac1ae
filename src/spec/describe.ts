import type { SpecPath } from './located.js';

/** `inputs.x.shape[2]`: a spec path as the user would write it; `the spec` for the root. */
export function describePath(path: SpecPath): string {
  if (path.length === 0) return 'the spec';
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`,
    )
    .join('');
}

/** A value as a short phrase for "found ..." parts of messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const short = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `the string '${short}'`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  }
  return String(value);
}

/** A value written as YAML flow text, for "for example" hints. */
export function yamlFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlFlow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${yamlFlow(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

/** `'a', 'b' or 'c'`. */
export function listWords(items: readonly unknown[], joiner = 'or'): string {
  const quoted = items.map((item) => `'${String(item)}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${joiner} ${quoted[quoted.length - 1]}`;
}
