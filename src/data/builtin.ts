import { Rng } from '../tensor/rng.js';
import { makeCircles } from './builtin/circles.js';
import { makeLinear } from './builtin/linear.js';
import { makeMoons } from './builtin/moons.js';
import { makeSpirals } from './builtin/spirals.js';
import { makeXor } from './builtin/xor.js';
import { csvDataset } from './csv.js';
import type { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { packageDataPath } from './package-data.js';
import { readTextFile } from './read-file.js';

export const BUILTIN_DATASETS = [
  'xor',
  'moons',
  'circles',
  'spirals',
  'linear',
  'iris',
  'digits',
] as const;
export type BuiltinName = (typeof BUILTIN_DATASETS)[number];

export interface BuiltinOptions {
  /** Seed of the generator (generated sets only); default 0. */
  seed?: number;
  /** Number of rows (generated sets only). */
  samples?: number;
  /** Noise level (generated sets only); see docs/data.md for what it scales in each. */
  noise?: number;
  /** Number of spiral arms (spirals only); default 3. */
  classes?: number;
}

interface Generator {
  samples: number;
  noise: number;
  make(samples: number, noise: number, rng: Rng, options: BuiltinOptions): Dataset;
}

const GENERATORS: Record<string, Generator> = {
  xor: { samples: 200, noise: 0.25, make: (n, s, rng) => makeXor(n, s, rng) },
  moons: { samples: 200, noise: 0.1, make: (n, s, rng) => makeMoons(n, s, rng) },
  circles: { samples: 200, noise: 0.05, make: (n, s, rng) => makeCircles(n, s, 0.5, rng) },
  spirals: {
    samples: 300,
    noise: 0.2,
    make: (n, s, rng, o) => makeSpirals(n, s, o.classes ?? 3, rng),
  },
  linear: { samples: 200, noise: 0.1, make: (n, s, rng) => makeLinear(n, s, rng) },
};

const FILES: Record<string, { file: string; target: string }> = {
  iris: { file: 'iris.csv', target: 'species' },
  digits: { file: 'digits.csv', target: 'label' },
};

export function isBuiltinName(name: string): name is BuiltinName {
  return (BUILTIN_DATASETS as readonly string[]).includes(name);
}

/** A built-in data set: generated from a seed (xor, moons, circles, spirals, linear) or shipped (iris, digits). */
export function loadBuiltin(name: string, options: BuiltinOptions = {}): Dataset {
  const generator = GENERATORS[name];
  if (generator !== undefined) return generate(name, generator, options);
  const shipped = FILES[name];
  if (shipped === undefined) {
    throw new DataError(
      `unknown built-in data set '${name}' (known: ${BUILTIN_DATASETS.join(', ')})`,
    );
  }
  for (const key of ['samples', 'noise', 'classes'] as const) {
    if (options[key] !== undefined) {
      throw new DataError(`'${key}' does not apply to '${name}', which is read from a file`);
    }
  }
  const path = packageDataPath(shipped.file);
  return csvDataset(readTextFile(path), path, { target: shipped.target, task: 'classification' });
}

function generate(name: string, generator: Generator, options: BuiltinOptions): Dataset {
  const seed = options.seed ?? 0;
  const samples = options.samples ?? generator.samples;
  const noise = options.noise ?? generator.noise;
  if (!Number.isSafeInteger(seed)) {
    throw new DataError(`${name}: seed must be an integer, got ${seed}`);
  }
  if (!Number.isInteger(samples) || samples < 1) {
    throw new DataError(`${name}: samples must be a positive integer, got ${samples}`);
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new DataError(`${name}: noise must be a finite number >= 0, got ${noise}`);
  }
  if (options.classes !== undefined) {
    if (name !== 'spirals') throw new DataError(`'classes' applies only to spirals, not '${name}'`);
    if (!Number.isInteger(options.classes) || options.classes < 2) {
      throw new DataError(`spirals: classes must be an integer >= 2, got ${options.classes}`);
    }
  }
  return generator.make(samples, noise, new Rng(seed), options);
}
