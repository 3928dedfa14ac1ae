import type { GraphInput } from '../compiler/graph.js';
import { tensor } from '../tensor/create.js';
import { DTypeError, formatShape, ShapeError } from '../tensor/errors.js';
import { type NestedArray, Tensor } from '../tensor/tensor.js';
import { ModelError } from './errors.js';

export type InputValue = Tensor | NestedArray;

/**
 * Turns the caller's inputs into tensors checked against the spec: every needed input present,
 * no unknown names, dtypes as declared, and each symbolic dim bound to one size across inputs.
 */
export function bindInputs(
  declared: readonly GraphInput[],
  needed: ReadonlySet<string>,
  given: Readonly<Record<string, InputValue>>,
): Map<string, Tensor> {
  const known = new Set(declared.map((d) => d.name));
  const unknown = Object.keys(given).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ModelError(
      `unknown input${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (the spec's inputs: ${[...known].join(', ')})`,
    );
  }
  const missing = declared.filter((d) => needed.has(d.name) && given[d.name] === undefined);
  if (missing.length > 0) {
    throw new ModelError(
      `missing input${missing.length > 1 ? 's' : ''} ${missing.map((d) => `'${d.name}' ${formatShape(d.shape)}`).join(', ')}`,
    );
  }
  const symbols = new Map<string, { size: number; by: string }>();
  const bound = new Map<string, Tensor>();
  for (const input of declared) {
    const value = given[input.name];
    if (value === undefined) continue;
    const t = toTensor(input, value);
    if (t.rank !== input.shape.length) {
      throw new ShapeError(
        `input '${input.name}': expected shape ${formatShape(input.shape)}, got ${formatShape(t.shape)} (rank ${t.rank} instead of ${input.shape.length})`,
      );
    }
    input.shape.forEach((dim, axis) => {
      const size = t.shape[axis];
      if (typeof dim === 'number') {
        if (size !== dim) {
          throw new ShapeError(
            `input '${input.name}': expected shape ${formatShape(input.shape)}, got ${formatShape(t.shape)} (dim ${axis} must be ${dim})`,
          );
        }
        return;
      }
      const binding = symbols.get(dim);
      if (binding === undefined) symbols.set(dim, { size, by: input.name });
      else if (binding.size !== size) {
        throw new ShapeError(
          `input '${input.name}': dim ${axis} is '${dim}', which input '${binding.by}' set to ${binding.size}, but it is ${size} here (shape ${formatShape(t.shape)})`,
        );
      }
    });
    bound.set(input.name, t);
  }
  return bound;
}

function toTensor(input: GraphInput, value: InputValue): Tensor {
  const wantsInt = input.dtype === 'int32';
  if (!(value instanceof Tensor)) return wantsInt ? toIndices(input, value) : tensor(value);
  if (wantsInt !== (value.dtype === 'int32')) {
    throw new DTypeError(
      `input '${input.name}': expected ${input.dtype}${wantsInt ? ' (class indices)' : ''}, got ${value.dtype}`,
    );
  }
  return value;
}

/** Nested arrays for an int32 input: whole numbers only (0.5 must not quietly become class 0). */
function toIndices(input: GraphInput, value: NestedArray): Tensor {
  const exact = tensor(value, { dtype: 'float64' });
  const at = exact.storage.findIndex((v) => !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1);
  if (at >= 0) {
    throw new DTypeError(
      `input '${input.name}': expected int32 (class indices), got ${exact.storage[at]} at flat index ${at}`,
    );
  }
  return tensor(value, { dtype: 'int32' });
}
