/** Any storage a kernel reads or writes; kernels know typed arrays, never Tensors. */
export type NumArray = Float32Array | Float64Array | Int32Array;
export type Dims = readonly number[];
