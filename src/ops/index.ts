// Importing this module registers every op family's Tensor methods.
export * from './arithmetic.js';
export * from './inplace.js';
export * from './reduction.js';
