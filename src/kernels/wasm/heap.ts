/**
 * First-fit allocator of byte ranges in [start, ∞): what the kernels' linear memory holds beyond
 * the module's data and the per-thread scratch areas. It only does the bookkeeping; the caller
 * grows the memory to `top` when an allocation moves it.
 */
export class Heap {
  /** Free ranges below `top`, sorted by offset, never adjacent (freed neighbours merge). */
  private readonly free: { at: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();
  /** End of the highest allocated range. */
  top: number;

  constructor(
    start: number,
    private readonly alignment = 64,
  ) {
    this.top = align(start, alignment);
  }

  /** Reserves `bytes` (rounded up to the alignment; at least one unit) and returns the offset. */
  allocate(bytes: number): number {
    const size = Math.max(this.alignment, align(bytes, this.alignment));
    for (let i = 0; i < this.free.length; i++) {
      const range = this.free[i];
      if (range.size < size) continue;
      const at = range.at;
      if (range.size === size) this.free.splice(i, 1);
      else {
        range.at += size;
        range.size -= size;
      }
      this.sizes.set(at, size);
      return at;
    }
    const at = this.top;
    this.top += size;
    this.sizes.set(at, size);
    return at;
  }

  /** Returns a range from `allocate`; the highest range gives its bytes back to `top`. */
  release(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) throw new RangeError(`wasm heap: no allocation at ${at}`);
    this.sizes.delete(at);
    let i = 0;
    while (i < this.free.length && this.free[i].at < at) i++;
    const before = this.free[i - 1];
    const after = this.free[i];
    let range = { at, size };
    if (before && before.at + before.size === at) {
      before.size += size;
      range = before;
      i--;
    } else this.free.splice(i, 0, range);
    if (after && range.at + range.size === after.at) {
      range.size += after.size;
      this.free.splice(i + 1, 1);
    }
    if (range.at + range.size === this.top) {
      this.top = range.at;
      this.free.splice(i, 1);
    }
  }

  /** Bytes currently allocated. */
  get used(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}
