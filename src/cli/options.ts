import { InvalidArgumentError } from 'commander';

/** commander parsers: a malformed number is a usage error (exit 2), not a crash. */
export function integerOption(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`'${value}' is not a whole number.`);
  }
  return n;
}

/**
 * `--dim name=value`, repeatable: values for the spec's dims. A malformed pair is a usage error.
 */
export function dimOption(
  value: string,
  previous: Record<string, number> = {},
): Record<string, number> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(value.trim());
  if (!match || Number(match[2]) < 1) {
    throw new InvalidArgumentError(
      `'${value}' is not name=value with a whole number >= 1 (e.g. --dim n_layer=6).`,
    );
  }
  return { ...previous, [match[1]]: Number(match[2]) };
}

export function numberOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`'${value}' is not a number.`);
  }
  return n;
}
