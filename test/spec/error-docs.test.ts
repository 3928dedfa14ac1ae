import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRAIN_CODES } from '../../src/compiler/check-train.js';
import { Codes } from '../../src/spec/codes.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  it.each(Object.values(Codes))('documents %s under its own heading', (code) => {
    expect(docs).toMatch(new RegExp(`^### ${code}: `, 'm'));
  });

  it.each(Object.values(TRAIN_CODES))(
    'documents the train check %s under its own heading',
    (code) => {
      expect(docs).toMatch(new RegExp(`^### ${code}: `, 'm'));
      expect(code).toMatch(/^MS4\d\d$/);
    },
  );

  it('documents every code the compiler and the op definitions report', () => {
    const used = new Set<string>();
    for (const folder of ['compiler', 'opdefs']) {
      const dir = new URL(`../../src/${folder}/`, import.meta.url);
      for (const file of readdirSync(dir, { recursive: true })) {
        if (!String(file).endsWith('.ts')) continue;
        const text = readFileSync(new URL(String(file), dir), 'utf8');
        for (const [code] of text.matchAll(/MS\d\d\d/g)) used.add(code);
      }
    }
    const missing = [...used].filter((code) => !new RegExp(`^### ${code}: `, 'm').test(docs));
    expect(missing).toEqual([]);
  });

  it('has unique codes in src/spec/codes.ts, none of them MS101', () => {
    const codes = Object.values(Codes);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain('MS101');
    expect(codes.every((code) => /^MS[01]\d\d$/.test(code))).toBe(true);
  });
});
