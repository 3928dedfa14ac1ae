import { describe, expect, it } from 'vitest';
import { Heap } from '../../src/kernels/wasm/heap.js';
import { lcg } from '../helpers/floats.js';

describe('the wasm heap allocator', () => {
  it('hands out aligned, disjoint ranges from the start', () => {
    const heap = new Heap(100, 64);
    const a = heap.allocate(10);
    const b = heap.allocate(100);
    const c = heap.allocate(0);
    expect([a, b, c]).toEqual([128, 192, 320]);
    expect(heap.top).toBe(384);
    expect(heap.used).toBe(256);
  });

  it('reuses a freed range first-fit and splits it', () => {
    const heap = new Heap(0, 64);
    const a = heap.allocate(256);
    heap.allocate(64);
    heap.release(a);
    expect(heap.allocate(64)).toBe(a);
    expect(heap.allocate(64)).toBe(a + 64);
    expect(heap.allocate(256)).toBe(320);
  });

  it('merges freed neighbours, and lowers top when the highest range goes', () => {
    const heap = new Heap(0, 64);
    const ranges = [0, 1, 2, 3].map(() => heap.allocate(64));
    heap.release(ranges[1]);
    heap.release(ranges[2]);
    // One merged hole of 128 bytes: a 128-byte request fits without growing.
    expect(heap.allocate(128)).toBe(ranges[1]);
    heap.release(ranges[1]);
    heap.release(ranges[3]);
    expect(heap.top).toBe(64);
    heap.release(ranges[0]);
    expect(heap.top).toBe(0);
    expect(heap.used).toBe(0);
  });

  it('never hands out overlapping ranges under random use', () => {
    const heap = new Heap(0, 16);
    const live = new Map<number, number>();
    const problems: string[] = [];
    const next = lcg(7);
    const rand = () => next() / 2 ** 32;
    for (let step = 0; step < 5000; step++) {
      if (live.size > 0 && rand() < 0.45) {
        const keys = [...live.keys()];
        const at = keys[Math.floor(rand() * keys.length)];
        heap.release(at);
        live.delete(at);
      } else {
        const bytes = Math.floor(rand() * 500);
        const at = heap.allocate(bytes);
        if (at % 16 !== 0) problems.push(`${at} unaligned`);
        if (at + bytes > heap.top) problems.push(`${at}+${bytes} above top ${heap.top}`);
        for (const [other, size] of live) {
          if (at + bytes > other && other + size > at) problems.push(`${at} overlaps ${other}`);
        }
        live.set(at, Math.max(16, Math.ceil(bytes / 16) * 16));
      }
    }
    expect(problems).toEqual([]);
    for (const at of live.keys()) heap.release(at);
    expect(heap.top).toBe(0);
  });

  it('refuses to release what it did not allocate', () => {
    const heap = new Heap(0);
    expect(() => heap.release(64)).toThrow(/no allocation at 64/);
  });
});
