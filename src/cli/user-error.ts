import { DataError } from '../data/errors.js';
import { FileWriteError } from '../io/atomic-write.js';
import { CheckpointError } from '../io/safetensors.js';
import { TensorError } from '../tensor/errors.js';

/**
 * The message of an error the user can fix (their data, checkpoint, numbers, files), or null
 * for anything else, which is a bug of ours and gets the internal-error treatment.
 */
export function userErrorMessage(error: unknown): string | null {
  if (
    error instanceof DataError ||
    error instanceof CheckpointError ||
    error instanceof FileWriteError ||
    error instanceof TensorError
  ) {
    return error.message;
  }
  return null;
}
