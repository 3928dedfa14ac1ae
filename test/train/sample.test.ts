import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.js';
import { drawToken, type NextLogits, sampleWith } from '../../src/train/sample.js';

const VOCAB = ['\n', 'a', 'b', 'c'];

/** A bigram model: logits of the next token from the last one only (row = last token). */
function bigram(table: number[][]): NextLogits & { contexts: Int32Array[] } {
  const contexts: Int32Array[] = [];
  const next = (context: Int32Array) => {
    contexts.push(Int32Array.from(context));
    return table[context[context.length - 1]];
  };
  return Object.assign(next, { contexts });
}

// From '\n': a or b; after a: b; after b: c or '\n'; after c: a.
const TABLE = [
  [-99, 0, 0, -99],
  [-99, -99, 0, -99],
  [0, -99, -99, 0],
  [-99, 0, -99, -99],
];

describe('drawToken', () => {
  it('draws as multinomial(softmax(logits)): frequencies match the probabilities', () => {
    const rng = new Rng(1);
    const logits = [0, Math.log(2), Math.log(3), Number.NEGATIVE_INFINITY];
    const counts = [0, 0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[drawToken(logits, rng)]++;
    expect(counts[3]).toBe(0);
    for (const [i, p] of [1 / 6, 2 / 6, 3 / 6].entries()) {
      // 5 standard deviations of a binomial count.
      expect(Math.abs(counts[i] - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    }
  });

  it('temperature sharpens or flattens; top-k keeps the k largest (ties with the k-th stay)', () => {
    const logits = [1, 2, 3, 3];
    const frequency = (options: { temperature?: number; topK?: number }, token: number) => {
      const rng = new Rng(7);
      let hits = 0;
      for (let i = 0; i < 4000; i++) if (drawToken(logits, rng, options) === token) hits++;
      return hits / 4000;
    };
    expect(frequency({ temperature: 0.05 }, 0)).toBe(0);
    expect(frequency({ temperature: 100 }, 0)).toBeGreaterThan(0.2);
    expect(frequency({ topK: 2 }, 1)).toBe(0);
    expect(frequency({ topK: 3 }, 0)).toBe(0);
    expect(frequency({ topK: 3 }, 1)).toBeGreaterThan(0);
    expect(frequency({ topK: 1 }, 2) + frequency({ topK: 1 }, 3)).toBe(1);
  });
});

describe('sampleWith: text', () => {
  it('continues the prompt token by token; the same seed gives the same text', () => {
    const model = bigram(TABLE);
    const text = sampleWith(model, { vocab: VOCAB, blockSize: 4 }, { prompt: 'ab', tokens: 40 });
    expect(text.startsWith('ab')).toBe(true);
    expect(text).toHaveLength(42);
    // Only the bigram's transitions appear.
    for (let i = 1; i < text.length; i++) {
      const from = VOCAB.indexOf(text[i - 1]);
      expect(TABLE[from][VOCAB.indexOf(text[i])]).toBe(0);
    }
    expect(
      sampleWith(bigram(TABLE), { vocab: VOCAB, blockSize: 4 }, { prompt: 'ab', tokens: 40 }),
    ).toBe(text);
    const other = sampleWith(
      bigram(TABLE),
      { vocab: VOCAB, blockSize: 4 },
      { prompt: 'ab', tokens: 40, seed: 1 },
    );
    expect(other).not.toBe(text);
  });

  it("crops the context to the block size, as nanoGPT's generate", () => {
    const model = bigram(TABLE);
    sampleWith(model, { vocab: VOCAB, blockSize: 3 }, { prompt: 'abcab', tokens: 5 });
    expect(model.contexts).toHaveLength(5);
    expect(model.contexts.every((c) => c.length === 3)).toBe(true);
    expect(Array.from(model.contexts[0])).toEqual([3, 1, 2]);
  });

  it("starts from '\\n' without a prompt (sample.py's start) and draws 500 tokens by default", () => {
    const model = bigram(TABLE);
    const text = sampleWith(model, { vocab: VOCAB, blockSize: 8 });
    expect(text[0]).toBe('\n');
    expect(text).toHaveLength(501);
  });

  it('refuses a prompt with characters outside the vocabulary, naming them', () => {
    expect(() =>
      sampleWith(bigram(TABLE), { vocab: VOCAB, blockSize: 4 }, { prompt: 'abzxz' }),
    ).toThrow(
      "the prompt has 2 characters that the training text does not have: 'z' (U+007A), 'x' (U+0078)",
    );
  });

  it('refuses options that do not apply or are out of range', () => {
    const run =
      (options: object, kind: 'text' | 'lines' = 'text') =>
      () =>
        sampleWith(bigram(TABLE), { vocab: VOCAB, blockSize: 4, kind }, options);
    expect(run({ temperature: 0 })).toThrow('temperature must be a number > 0, got 0');
    expect(run({ topK: 0 })).toThrow('top-k must be a whole number >= 1, got 0');
    expect(run({ tokens: -1 })).toThrow('tokens must be a whole number >= 0, got -1');
    expect(run({ count: 3 })).toThrow('count is the number of lines of a model trained on lines');
    expect(run({ tokens: 3 }, 'lines')).toThrow('give the number of lines (count), not tokens');
    expect(run({ top_k: 3 })).toThrow("unknown option 'top_k'");
  });
});

describe('sampleWith: lines', () => {
  it('each line starts at token 0 and ends when the model draws token 0 (makemore)', () => {
    const model = bigram(TABLE);
    const text = sampleWith(model, { vocab: VOCAB, kind: 'lines', blockSize: 8 }, { count: 20 });
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(20);
    // Every line follows the bigram from the boundary: it starts with a or b; ends after b or
    // at the length limit (7 characters for 8 positions).
    for (const line of lines) {
      expect(line.length).toBeGreaterThan(0);
      expect(line.length).toBeLessThanOrEqual(7);
      expect('ab').toContain(line[0]);
    }
    // Each line's first context is the boundary alone.
    expect(Array.from(model.contexts[0])).toEqual([0]);
  });

  it('a prompt is the start of every line', () => {
    const text = sampleWith(
      bigram(TABLE),
      { vocab: VOCAB, kind: 'lines', blockSize: 8 },
      { prompt: 'ca', count: 5 },
    );
    expect(
      text
        .split('\n')
        .slice(0, 5)
        .every((line) => line.startsWith('cab')),
    ).toBe(true);
    expect(() =>
      sampleWith(bigram(TABLE), { vocab: VOCAB, kind: 'lines', blockSize: 4 }, { prompt: 'abc' }),
    ).toThrow('the prompt has 3 characters; lines of this model hold at most 3');
  });
});
