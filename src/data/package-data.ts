import { fileURLToPath } from 'node:url';

/**
 * Path of a file in the package's data/ folder. This module sits two levels below the package
 * root both as source (src/data/) and as built output (dist/data/), so one relative URL serves both.
 */
export function packageDataPath(file: string): string {
  return fileURLToPath(new URL(`../../data/${file}`, import.meta.url));
}
