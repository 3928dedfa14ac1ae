// Importing this module registers every op family's Tensor methods.
export * from './activation.js';
export * from './arithmetic.js';
export * from './dropout.js';
export * from './inplace.js';
export * from './linalg.js';
export * from './loss.js';
export * from './probability.js';
export * from './reduction.js';
export * from './shape-ops.js';
