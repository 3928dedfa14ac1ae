import type { Attrs } from './types.js';

/**
 * Example calls of an op, written beside its definition. Every per-op test is derived from them:
 * PyTorch fixtures (scripts/torch_fixtures.py evaluates the definition's `torch` spelling on the
 * same inputs), float64 finite differences, plan = interpreter, symbolic = concrete shapes, and
 * the refusal of surplus arguments. Values are drawn from a seeded generator when the cases are
 * generated (scripts/generate/op-cases.ts), so torch and modelspec see the same numbers.
 */
export type ExampleInput =
  | {
      kind: 'float';
      shape: number[];
      /** Whether the gradient is checked (a loss's target, say, is a constant). */
      grad: boolean;
      values: ExampleValues;
    }
  | { kind: 'labels'; shape: number[]; classes: number }
  | { kind: 'number'; value: number }
  /** An optional operand left out before one that is given (None in torch's spelling). */
  | { kind: 'absent' };

export type ExampleValues =
  /** Normal samples times `scale`, moved `margin` away from the `avoid` points (kinks). */
  | { normal: number; avoid?: number[]; margin?: number }
  | { uniform: [number, number] }
  | { exact: number[] };

export interface OpExample {
  name: string;
  inputs: ExampleInput[];
  /** Attributes as the spec writes them (snake_case); the rest take their defaults. */
  attrs?: Attrs;
  /** The mode, for ops that read it (dropout); training by default. */
  training?: boolean;
  /**
   * Why the gradient is not the derivative here, so finite differences do not apply (an
   * embedding's padding_idx row gets no gradient by design); torch's gradient is still compared.
   */
  notDerivative?: string;
}

/** A float input from the standard normal, times `scale`, optionally away from kinks. */
export const randn = (
  shape: number[],
  scale = 1,
  avoid?: number[],
  margin?: number,
): ExampleInput => ({
  kind: 'float',
  shape,
  grad: true,
  values: { normal: scale, avoid, margin },
});

/** A float input uniform in [low, high). */
export const uniform = (low: number, high: number, shape: number[]): ExampleInput => ({
  kind: 'float',
  shape,
  grad: true,
  values: { uniform: [low, high] },
});

/** A float input with exactly these values (row-major). */
export const exact = (shape: number[], values: number[]): ExampleInput => ({
  kind: 'float',
  shape,
  grad: true,
  values: { exact: values },
});

/** The same input without its gradient checked (a constant). */
export const constant = (input: ExampleInput): ExampleInput =>
  input.kind === 'float' ? { ...input, grad: false } : input;

/** int32 class indices in [0, classes). */
export const labels = (shape: number[], classes: number): ExampleInput => ({
  kind: 'labels',
  shape,
  classes,
});

/** A plain number operand (`x * 2.5`). */
export const num = (value: number): ExampleInput => ({ kind: 'number', value });

/** An optional operand left out, with a later one given (batch_norm without running stats). */
export const absent = (): ExampleInput => ({ kind: 'absent' });
