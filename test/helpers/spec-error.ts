import { compileSpec, SpecError } from '../../src/index.js';

/** The SpecError compiling `text` throws; fails the test when it compiles. */
export function compileError(text: string): SpecError {
  try {
    compileSpec(text);
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('the spec compiled, but an error was expected');
}
