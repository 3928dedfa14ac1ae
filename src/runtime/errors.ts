import { TensorError } from '../tensor/errors.js';

/** A model used against its spec: missing or unknown inputs, a state dict that doesn't fit. */
export class ModelError extends TensorError {}
