/**
 * Where an offending element sits, for messages: `target[1, 2]` given the shape, or
 * `target[5]` counting row-major without one.
 */
export function position(name: string, flat: number, shape?: readonly number[]): string {
  if (shape === undefined) return `${name}[${flat}]`;
  if (shape.length === 0) return name;
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `${name}[${index.join(', ')}]`;
}
