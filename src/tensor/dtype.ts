import { DTypeError } from './errors.js';

/**
 * float32 is the storage of models; int32 holds class indices; float64 exists so that gradients
 * can be checked by finite differences without float32's rounding noise.
 */
export type DType = 'float32' | 'float64' | 'int32';
export type Storage = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function checkDType(dtype: string): DType {
  if ((DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new DTypeError(`unknown dtype '${dtype}' (known: ${DTYPES.join(', ')})`);
}

export function allocate(dtype: DType, size: number): Storage {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

export function dtypeOf(storage: Storage): DType {
  if (storage instanceof Float32Array) return 'float32';
  if (storage instanceof Float64Array) return 'float64';
  return 'int32';
}

/** The dtype of a binary op's result, as torch promotes: float64 > float32 > int32. */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** The dtype a float-valued op (exp, div, softmax, ...) gives for an input of `dtype`. */
export function floatResult(dtype: DType): DType {
  return dtype === 'int32' ? 'float32' : dtype;
}
