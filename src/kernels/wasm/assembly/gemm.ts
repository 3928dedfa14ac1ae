// fp32 GEMM for WebAssembly SIMD, compiled by AssemblyScript (scripts/build-wasm.mjs).
// Blocking (KC=256, MC=128, NC=512) was tuned on a 2-core Zen 3; 4×8 tiles reach ~30 GFLOP/s.
//
// C[m×n] (= or +=) op(A)[m×k] · op(B)[k×n], all row-major. Transposed operands are read
// through strides while packing, so A^T·B and A·B^T run the same micro-kernel as A·B.
//
// Layout follows BLIS: B is packed per (KC × NC) panel into NR-wide column slivers, A per
// (MC × KC) block into MR-tall row slivers, and an MR × NR register tile of f32x4
// accumulators walks the shared k dimension. Wasm SIMD has no FMA in Node 20, so the inner
// step is a mul followed by an add.
//
// Each element of C sums its k products in the same order (KC blocks in turn, p ascending
// inside a block) whatever the m/n blocking, so splitting C by rows or by columns across
// threads gives bit-identical results.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;

const PACKED_A_BYTES: usize = <usize>(MC * KC) << 2;
const PACKED_B_BYTES: usize = <usize>(KC * NC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;

/** Scratch bytes that `gemmBlock` needs at `work` (packed panels and an edge tile). */
export function gemmWorkBytes(): usize {
  return PACKED_A_BYTES + PACKED_B_BYTES + TILE_BYTES;
}

/** First byte of linear memory that this module leaves free for the caller. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes that packAllA writes for an m×k op(A). */
export function packedAllABytes(m: i32, k: i32): usize {
  return (<usize>roundUp(m, MR) * <usize>roundUp(k, KC)) << 2;
}

/**
 * Packs all of op(A) as gemmBlock packs it block by block: the KC block q starts at
 * dst + q·mPadded·KC floats, and row i of it (a multiple of MR) at i·kc floats from there. Blocks
 * of a column split all need the whole of A; packed once, it is shared instead of repacked.
 */
export function packAllA(a: usize, m: i32, k: i32, transA: bool, dst: usize): void {
  const rsA: usize = transA ? 1 : <usize>k;
  const csA: usize = transA ? <usize>m : 1;
  const region: usize = (<usize>roundUp(m, MR) * <usize>KC) << 2;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const at = dst + <usize>(pc / KC) * region;
    for (let ic = 0; ic < m; ic += MC) {
      packA(a, rsA, csA, ic, pc, min(MC, m - ic), kc, at + ((<usize>ic * <usize>kc) << 2));
    }
  }
}

function roundUp(value: i32, to: i32): i32 {
  return ((value + to - 1) / to) * to;
}

/**
 * C = (accumulate ? C : 0) + op(A)·op(B) on output rows [rowStart, rowEnd) and columns
 * [colStart, colEnd) (all of C: 0, m, 0, n); blocks split the work across threads, and a
 * column block packs only its own part of B. `prepackedA` is 0, or where packAllA has packed
 * op(A) (rowStart then a multiple of MR).
 */
export function gemmBlock(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: bool,
  transB: bool,
  accumulate: bool,
  work: usize,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
  prepackedA: usize,
): void {
  if (rowEnd <= rowStart || colEnd <= colStart) return;
  if (k <= 0) {
    if (accumulate) return;
    for (let i = rowStart; i < rowEnd; i++) {
      memory.fill(c + ((<usize>i * <usize>n + <usize>colStart) << 2), 0, <usize>(colEnd - colStart) << 2);
    }
    return;
  }
  // Element (i, p) of op(A) lives at a[i*rsA + p*csA]; element (p, j) of op(B) at b[p*rsB + j*csB].
  const rsA: usize = transA ? 1 : <usize>k;
  const csA: usize = transA ? <usize>m : 1;
  const rsB: usize = transB ? 1 : <usize>n;
  const csB: usize = transB ? <usize>k : 1;
  const packedA = work;
  const packedB = work + PACKED_A_BYTES;
  const prepackedRegion: usize = (<usize>roundUp(m, MR) * <usize>KC) << 2;
  const tile = packedB + PACKED_B_BYTES;
  const ldc: usize = <usize>n << 2;

  for (let jc = colStart; jc < colEnd; jc += NC) {
    const nc = min(NC, colEnd - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, rsB, csB, pc, jc, kc, nc, packedB);
      const load = accumulate || pc > 0;
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        let aBlock = packedA;
        if (prepackedA != 0) {
          aBlock = prepackedA + <usize>(pc / KC) * prepackedRegion + ((<usize>ic * <usize>kc) << 2);
        } else {
          packA(a, rsA, csA, ic, pc, mc, kc, packedA);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bSliver = packedB + ((<usize>jr * <usize>kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const aSliver = aBlock + ((<usize>ir * <usize>kc) << 2);
            const cTile = c + <usize>(ic + ir) * ldc + ((<usize>(jc + jr)) << 2);
            if (mr == MR && nr == NR) {
              microKernel(aSliver, bSliver, cTile, ldc, kc, load);
            } else {
              if (load) copyTile(cTile, ldc, tile, <usize>NR << 2, mr, nr);
              microKernel(aSliver, bSliver, tile, <usize>NR << 2, kc, load);
              copyTile(tile, <usize>NR << 2, cTile, ldc, mr, nr);
            }
          }
        }
      }
    }
  }
}

function copyTile(src: usize, lds: usize, dst: usize, ldd: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + <usize>r * ldd, src + <usize>r * lds, bytes);
  }
}

/** MR×NR tile of C (row stride ldc bytes) = (load ? C : 0) + packed A sliver · packed B sliver. */
function microKernel(a: usize, b: usize, c: usize, ldc: usize, kc: i32, load: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  if (load) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc);
    c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc);
    c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc);
    c31 = v128.load(c + 3 * ldc, 16);
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += <usize>MR << 2;
    b += <usize>NR << 2;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** Packs op(A)[i0:i0+mc, p0:p0+kc] into MR-row slivers (p-major inside), zero-padding rows. */
function packA(a: usize, rs: usize, cs: usize, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const src = a + ((<usize>(i0 + ir) * rs + <usize>p0 * cs) << 2);
    if (rows == MR && rs == 1) {
      const step = cs << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src + <usize>p * step));
        dst += 16;
      }
    } else if (rows == MR && cs == 1) {
      dst = packTransposed4(src, rs << 2, kc, dst);
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < rows ? load<f32>(src + ((<usize>r * rs + <usize>p * cs) << 2)) : 0;
          store<f32>(dst, v);
          dst += 4;
        }
      }
    }
  }
}

/** Packs op(B)[p0:p0+kc, j0:j0+nc] into NR-column slivers (p-major inside), zero-padding columns. */
function packB(b: usize, rs: usize, cs: usize, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const src = b + ((<usize>p0 * rs + <usize>(j0 + jr) * cs) << 2);
    if (cols == NR && cs == 1) {
      const step = rs << 2;
      for (let p = 0; p < kc; p++) {
        const row = src + <usize>p * step;
        v128.store(dst, v128.load(row));
        v128.store(dst, v128.load(row, 16), 16);
        dst += 32;
      }
    } else if (cols == NR && rs == 1) {
      packTransposed8(src, cs << 2, kc, dst);
      dst += (<usize>kc * <usize>NR) << 2;
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) {
          const v: f32 = q < cols ? load<f32>(src + ((<usize>p * rs + <usize>q * cs) << 2)) : 0;
          store<f32>(dst, v);
          dst += 4;
        }
      }
    }
  }
}

/**
 * Four source lines (byte stride `ld`, each contiguous along p) written as kc groups of 4:
 * dst[p*4 + r] = line r [p]. Returns the end of the written range.
 */
function packTransposed4(src: usize, ld: usize, kc: i32, dst: usize): usize {
  const l0 = src;
  const l1 = src + ld;
  const l2 = src + 2 * ld;
  const l3 = src + 3 * ld;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const off = <usize>p << 2;
    transpose4x4(v128.load(l0 + off), v128.load(l1 + off), v128.load(l2 + off), v128.load(l3 + off), dst, 16);
    dst += 64;
  }
  for (; p < kc; p++) {
    const off = <usize>p << 2;
    store<f32>(dst, load<f32>(l0 + off));
    store<f32>(dst, load<f32>(l1 + off), 4);
    store<f32>(dst, load<f32>(l2 + off), 8);
    store<f32>(dst, load<f32>(l3 + off), 12);
    dst += 16;
  }
  return dst;
}

/** Like packTransposed4 for eight lines: dst[p*8 + q] = line q [p]. */
function packTransposed8(src: usize, ld: usize, kc: i32, dst: usize): void {
  const l0 = src;
  const l4 = src + 4 * ld;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const off = <usize>p << 2;
    transpose4x4(v128.load(l0 + off), v128.load(l0 + ld + off), v128.load(l0 + 2 * ld + off), v128.load(l0 + 3 * ld + off), dst, 32);
    transpose4x4(v128.load(l4 + off), v128.load(l4 + ld + off), v128.load(l4 + 2 * ld + off), v128.load(l4 + 3 * ld + off), dst + 16, 32);
    dst += 128;
  }
  for (; p < kc; p++) {
    const off = <usize>p << 2;
    for (let q = 0; q < NR; q++) {
      store<f32>(dst + (<usize>q << 2), load<f32>(src + <usize>q * ld + off));
    }
    dst += 32;
  }
}

/** Stores the transpose of rows r0..r3 as four vectors at dst, dst+step, dst+2*step, dst+3*step. */
@inline
function transpose4x4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}
