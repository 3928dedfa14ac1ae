import { InvalidArgumentError } from 'commander';

/** commander parsers: a malformed number is a usage error (exit 2), not a crash. */
export function integerOption(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`'${value}' is not a whole number.`);
  }
  return n;
}

export function numberOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`'${value}' is not a number.`);
  }
  return n;
}
