import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { LoadedNative } from '../kernels/native/addon.js';

/**
 * What the core needs from its host, so that it imports no `node:` module and can be bundled
 * for a browser: file reading, the compiled kernels (WebAssembly bytes, the native addon),
 * worker threads, the CPU count, environment variables, hashing, and the spec's JSON Schema.
 * The Node implementation (node.ts) registers itself when the package entry is imported.
 */
export interface Platform {
  readonly name: string;
  /** Logical CPUs (for the default number of kernel threads). */
  cpus(): number;
  /** An environment variable (MODELSPEC_BACKEND, MODELSPEC_THREADS), or undefined. */
  env(name: string): string | undefined;
  /** The compiled WebAssembly kernels (dist/wasm/kernels.wasm), or why there are none. */
  wasmKernels(): { bytes: Uint8Array } | { missing: string };
  /**
   * Starts a worker thread running the script `source`, in which `workerData` is `data`; it
   * must not keep the process alive.
   */
  startWorker(source: string, data: unknown): void;
  /** The native kernels addon, or why it is unavailable. */
  nativeAddon(): LoadedNative;
  /** A file's bytes, at most `maxBytes` of them (checked before reading), or why not. */
  readFile(path: string, maxBytes: number): FileRead;
  /** Hex SHA-256 of a text (spec hashes in checkpoints). */
  sha256(text: string): string;
  /** The spec format's JSON Schema (schema/modelspec.schema.json), parsed. */
  specSchema(): Record<string, unknown>;
  /** A validator of that schema (ajv, strict, every error collected). */
  specValidator(): ValidateFunction;
}

export type FileRead =
  | { bytes: Uint8Array }
  | { problem: 'missing' | 'folder' | 'unreadable'; message: string }
  | { problem: 'tooLarge'; size: number };

let current: Platform | null = null;

/** Registers the host (node.ts does this for Node; a browser build registers its own). */
export function setPlatform(platform: Platform): void {
  current = platform;
}

/** The registered host; an error saying so when none is (a bundle that forgot to register one). */
export function platform(): Platform {
  if (current === null) {
    throw new Error(
      "modelspec: no platform registered; import 'modelspec' (Node) or call setPlatform() first",
    );
  }
  return current;
}
