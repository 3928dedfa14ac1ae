import { noGrad } from '../autograd/grad-mode.js';
import type { GraphInput } from '../compiler/graph.js';
import { decode, encode, LINE_BOUNDARY, type Vocabulary } from '../data/index.js';
import { ModelError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import { ValueError } from '../tensor/errors.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** How to draw text from a language model (nanoGPT's sample.py, makemore's print_samples). */
export interface SampleOptions {
  /** The text to continue; printed as the start of the output. Lines data: the start of each line. */
  prompt?: string;
  /** Text data: the number of new tokens (default 500, as nanoGPT's sample.py). */
  tokens?: number;
  /** Lines data: the number of lines (default 10). */
  count?: number;
  /** Logits are divided by it before the softmax (default 1; below 1 is more conservative). */
  temperature?: number;
  /** Keep only the k most likely tokens at each step (nanoGPT's top_k). */
  topK?: number;
  /** Seed of the draws (default 0): the same seed gives the same text. */
  seed?: number;
}

/** What sampling needs to know of the data a model was trained on (a checkpoint's `data`). */
export interface SampleVocabulary {
  /** Token i is vocab[i]; for lines data, token 0 is '\n', the start and end of every line. */
  vocab: Vocabulary;
  /** 'lines': sample whole lines from token 0 to token 0; 'text' (default): continue a stream. */
  kind?: 'text' | 'lines';
  /** The longest context the model takes when its ids input has a symbolic length. */
  blockSize?: number;
  /** The input that takes token ids (default: the first input). */
  idsInput?: string;
}

/** The logits of the token after `context` (one per vocabulary entry). */
export type NextLogits = (context: Int32Array) => ArrayLike<number>;

const KNOWN = new Set(['prompt', 'tokens', 'count', 'temperature', 'topK', 'seed']);

function checkOptions(options: SampleOptions, kind: 'text' | 'lines'): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ValueError(`sample: unknown option '${key}' (options: ${[...KNOWN].join(', ')})`);
    }
  }
  const { tokens, count, temperature, topK, seed } = options;
  if (tokens !== undefined && (!Number.isInteger(tokens) || tokens < 0)) {
    throw new ValueError(`sample: tokens must be a whole number >= 0, got ${tokens}`);
  }
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new ValueError(`sample: count must be a whole number >= 1, got ${count}`);
  }
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature > 0)) {
    throw new ValueError(`sample: temperature must be a number > 0, got ${temperature}`);
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new ValueError(`sample: top-k must be a whole number >= 1, got ${topK}`);
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new ValueError(`sample: seed must be a whole number, got ${seed}`);
  }
  if (kind === 'lines' && tokens !== undefined) {
    throw new ValueError(
      'sample: a model trained on lines generates whole lines (each ends at the line boundary): give the number of lines (count), not tokens',
    );
  }
  if (kind === 'text' && count !== undefined) {
    throw new ValueError(
      'sample: count is the number of lines of a model trained on lines data; a text model continues one stream: give tokens',
    );
  }
}

/**
 * One token drawn as torch.multinomial(softmax(logits / temperature)) with nanoGPT's top-k
 * (logits below the k-th largest become -inf; ties with it stay), by inverse CDF over a float64
 * softmax with one uniform from `rng`.
 */
export function drawToken(
  logits: ArrayLike<number>,
  rng: Rng,
  options: { temperature?: number; topK?: number } = {},
): number {
  const n = logits.length;
  const temperature = options.temperature ?? 1;
  const scaled = Float64Array.from(logits, (v) => v / temperature);
  if (options.topK !== undefined && options.topK < n) {
    const kth = Float64Array.from(scaled).sort().reverse()[options.topK - 1];
    for (let i = 0; i < n; i++) if (scaled[i] < kth) scaled[i] = Number.NEGATIVE_INFINITY;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const v of scaled) if (v > max) max = v;
  if (!Number.isFinite(max)) {
    throw new ModelError(`sample: the model's logits are not finite (largest ${max})`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = Math.exp(scaled[i] - max);
    total += scaled[i];
  }
  if (!Number.isFinite(total)) throw new ModelError('sample: the model gave NaN logits');
  const u = rng.uniform() * total;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += scaled[i];
    if (u < sum) return i;
  }
  // Rounding can leave u at the very top: the last token that has any probability.
  for (let i = n - 1; i >= 0; i--) if (scaled[i] > 0) return i;
  return n - 1;
}

/**
 * Autoregressive sampling as nanoGPT's generate: the context is cropped to the last `blockSize`
 * tokens, the next token is drawn from the logits the model gives after it, and appended.
 * Text: `tokens` new tokens after the prompt (default '\n', as sample.py's start, when the
 * vocabulary has it). Lines: `count` lines, each from token 0 (the line boundary) plus the prompt
 * until the model draws token 0 or the line fills blockSize − 1 characters (makemore).
 * Returns the text, the prompt included (lines: one per line, each ending in '\n').
 */
export function sampleWith(
  next: NextLogits,
  vocabulary: { vocab: Vocabulary; kind?: 'text' | 'lines'; blockSize: number },
  options: SampleOptions = {},
): string {
  const kind = vocabulary.kind ?? 'text';
  checkOptions(options, kind);
  const { vocab, blockSize } = vocabulary;
  const rng = new Rng(options.seed ?? 0);
  const draw = { temperature: options.temperature, topK: options.topK };
  if (kind === 'lines') {
    const prompt = options.prompt ?? '';
    if (prompt.includes(LINE_BOUNDARY)) {
      throw new ValueError(
        'sample: the prompt of a lines model is the start of one line; it cannot hold a newline',
      );
    }
    const start = encode(prompt, vocab, 'the prompt');
    if (start.length + 1 >= blockSize) {
      throw new ValueError(
        `sample: the prompt has ${start.length} characters; lines of this model hold at most ${blockSize - 1}, so it leaves nothing to generate`,
      );
    }
    const lines: string[] = [];
    for (let k = 0; k < (options.count ?? 10); k++) {
      const ids = [0, ...start];
      while (ids.length < blockSize) {
        const id = drawToken(next(Int32Array.from(ids)), rng, draw);
        if (id === 0) break;
        ids.push(id);
      }
      lines.push(`${decode(ids.slice(1), vocab)}\n`);
    }
    return lines.join('');
  }
  const prompt = options.prompt ?? (vocab.includes('\n') ? '\n' : vocab[0]);
  if (prompt.length === 0) {
    throw new ValueError(
      'sample: the prompt is empty; a text model needs at least one character to continue',
    );
  }
  const ids = Array.from(encode(prompt, vocab, 'the prompt'));
  for (let step = 0; step < (options.tokens ?? 500); step++) {
    const context = Int32Array.from(ids.slice(-blockSize));
    ids.push(drawToken(next(context), rng, draw));
  }
  return decode(ids, vocab);
}

/** The input that takes token ids, and the context length it fixes (null when symbolic). */
function idsInputOf(
  model: Model,
  name: string | undefined,
): { input: GraphInput; fixed: number | null } {
  const input = name ? model.graph.inputs.find((i) => i.name === name) : model.graph.inputs[0];
  if (!input) throw new ModelError(`sample: spec '${model.graph.name}' has no input '${name}'`);
  if (input.dtype !== 'int32' || input.shape.length !== 2) {
    throw new ModelError(
      `sample: input '${input.name}' must take token ids, int32 [batch, T]; it is ${input.dtype} [${input.shape.join(', ')}]`,
    );
  }
  const time = input.shape[1];
  return { input, fixed: typeof time === 'number' ? time : null };
}

/**
 * The next-token logits of a model: the loss's prediction operand (or the first output), one
 * row of vocab.length logits per position. A model whose ids input has a fixed length T gets
 * the context right-padded with token 0 to T and is read at the context's last position; for a
 * causal model (which a next-token model is) that equals feeding the shorter context.
 */
export function modelLogits(
  model: Model,
  vocabulary: SampleVocabulary,
): { next: NextLogits; blockSize: number } {
  const { input, fixed } = idsInputOf(model, vocabulary.idsInput);
  const blockSize = fixed ?? vocabulary.blockSize;
  if (blockSize === undefined) {
    throw new ModelError(
      `sample: input '${input.name}' has a symbolic length; give the block size the model was trained with`,
    );
  }
  const loss = model.graph.nodes.find((n) => n.name === model.graph.loss);
  const name = loss?.inputs[0] ?? model.graph.outputs[0];
  const width = vocabulary.vocab.length;
  const next = (context: Int32Array): Float32Array => {
    const length = fixed ?? context.length;
    const ids = new Int32Array(length);
    ids.set(context);
    const out = noGrad(() => model.run({ [input.name]: new Tensor(ids, [1, length]) }, [name]))[
      name
    ];
    const last = out.shape[out.shape.length - 1];
    if (last < width || out.size !== length * last) {
      throw new ModelError(
        `sample: '${name}' has shape [${out.shape.join(', ')}] for ${length} tokens; sampling needs logits for each position ([1, ${length}, ${width}] or [${length}, ${width}])`,
      );
    }
    const row = context.length - 1;
    return out.storage.subarray(row * last, row * last + width) as Float32Array;
  };
  return { next, blockSize };
}

/**
 * Text generated by a language model (see sampleWith), in eval mode (no dropout), without
 * recording a graph.
 */
export function sample(
  model: Model,
  vocabulary: SampleVocabulary,
  options: SampleOptions = {},
): string {
  const { next, blockSize } = modelLogits(model, vocabulary);
  const wasTraining = model.training;
  model.eval();
  try {
    return sampleWith(next, { vocab: vocabulary.vocab, kind: vocabulary.kind, blockSize }, options);
  } finally {
    if (wasTraining) model.train();
  }
}
