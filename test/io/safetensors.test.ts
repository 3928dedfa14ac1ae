import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsEntry,
} from '../../src/io/safetensors.js';

/** A file from a header string (padded as given) and raw data bytes. */
function rawFile(header: string, data: ArrayLike<number> = []): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const le32 = (...xs: number[]) => Array.from(new Uint8Array(Float32Array.from(xs).buffer));

describe('encodeSafetensors', () => {
  it('writes the reference layout: u64 length, compact JSON padded with spaces to 8, data', () => {
    const bytes = encodeSafetensors({
      test: { dtype: 'I32', shape: [2, 2], data: Int32Array.from([1, 2, 3, 4]) },
    });
    const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    expect(header).toHaveLength(60);
    expect(Array.from(bytes)).toEqual([
      64,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii(header),
      32,
      32,
      32,
      32,
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      3,
      0,
      0,
      0,
      4,
      0,
      0,
      0,
    ]);
  });

  it('matches the reference implementation serialize test byte for byte', () => {
    const bytes = encodeSafetensors({
      'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) },
    });
    expect(Array.from(bytes)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121,
      112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50,
      44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48,
      44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64,
      0, 0, 160, 64,
    ]);
  });

  it('puts __metadata__ first and orders tensors widest dtype first, then by name', () => {
    const bytes = encodeSafetensors(
      {
        z: { dtype: 'I32', shape: [], data: Int32Array.from([7]) },
        b: { dtype: 'F32', shape: [1], data: Float32Array.from([1.5]) },
        a: { dtype: 'F32', shape: [1], data: Float32Array.from([-2]) },
        w: { dtype: 'F64', shape: [1], data: Float64Array.from([0.5]) },
      },
      { format: 'pt' },
    );
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
      '"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
      '"z":{"dtype":"I32","shape":[],"data_offsets":[16,20]}}';
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    expect(Array.from(bytes)).toEqual(
      Array.from(
        rawFile(padded, [
          ...[0, 0, 0, 0, 0, 0, 0xe0, 0x3f],
          ...le32(-2),
          ...le32(1.5),
          ...[7, 0, 0, 0],
        ]),
      ),
    );
  });

  it('is deterministic and independent of the order the tensors are given in', () => {
    const w = { dtype: 'F32' as const, shape: [2], data: Float32Array.from([1, 2]) };
    const b = { dtype: 'F32' as const, shape: [], data: Float32Array.from([3]) };
    const one = encodeSafetensors({ w, b }, { k: 'v' });
    expect(encodeSafetensors({ w, b }, { k: 'v' })).toEqual(one);
    expect(encodeSafetensors({ b, w }, { k: 'v' })).toEqual(one);
  });

  it('keeps the JSON key order for integer-like tensor names', () => {
    const bytes = encodeSafetensors({
      x: { dtype: 'F32', shape: [], data: Float32Array.from([1]) },
      '0': { dtype: 'F32', shape: [], data: Float32Array.from([2]) },
    });
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + Number(bytes[0])));
    expect(text.indexOf('"0"')).toBeLessThan(text.indexOf('"x"'));
    expect(decodeSafetensors(bytes, { source: 'f' }).tensors['0'].data[0]).toBe(2);
  });

  it('refuses data that does not match its dtype or shape', () => {
    const f32 = Float32Array.from([1, 2]);
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: f32 } })).toThrow(
      "tensor 'w': shape [3] has 3 elements, the data has 2",
    );
    expect(() => encodeSafetensors({ w: { dtype: 'I32', shape: [2], data: f32 } })).toThrow(
      'dtype I32 needs a Int32Array, got Float32Array',
    );
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [-2], data: f32 } })).toThrow(
      CheckpointError,
    );
    expect(() =>
      encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [2], data: f32 } }),
    ).toThrow(CheckpointError);
  });
});

describe('I64 (torch int64, e.g. num_batches_tracked), held as int32', () => {
  it('is written sign-extended to 8 bytes, first in the data (after the reference dtype order)', () => {
    const bytes = encodeSafetensors({
      w: { dtype: 'F64', shape: [1], data: Float64Array.from([0.5]) },
      n: { dtype: 'I64', shape: [2], data: Int32Array.from([-2, 3]) },
    });
    const header =
      '{"n":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},' +
      '"w":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}';
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    expect(Array.from(bytes)).toEqual(
      Array.from(
        rawFile(padded, [
          ...[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
          ...[3, 0, 0, 0, 0, 0, 0, 0],
          ...[0, 0, 0, 0, 0, 0, 0xe0, 0x3f],
        ]),
      ),
    );
    const file = decodeSafetensors(bytes, { source: 'x' });
    expect(file.tensors.n.dtype).toBe('I64');
    expect(file.tensors.n.data).toBeInstanceOf(Int32Array);
    expect(Array.from(file.tensors.n.data)).toEqual([-2, 3]);
  });

  it('refuses a value beyond int32 when reading', () => {
    const header = '{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}';
    const big = [0, 0, 0, 0x80, 0, 0, 0, 0];
    expect(() => decodeSafetensors(rawFile(header, big), { source: 'f.safetensors' })).toThrow(
      "f.safetensors has a corrupt tensor: 'n' (I64) holds 2147483648 at element 0, beyond the int32 range modelspec keeps integers in",
    );
  });
});

describe('decodeSafetensors round trip', () => {
  it('gives back F32, I32, F64 and scalar tensors exactly, with metadata', () => {
    const tensors: Record<string, SafetensorsEntry> = {
      'layers.0.weight': {
        dtype: 'F32',
        shape: [2, 3],
        data: Float32Array.from([0.1, -0.2, 3e-38, 1e30, -0, Number.NaN]),
      },
      steps: { dtype: 'I32', shape: [3], data: Int32Array.from([-2147483648, 0, 2147483647]) },
      precise: { dtype: 'F64', shape: [1, 1], data: Float64Array.from([Math.PI]) },
      scale: { dtype: 'F32', shape: [], data: Float32Array.from([2.5]) },
      empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    };
    const metadata = { modelspec: '1', note: 'ünïcode ✓ "quoted"' };
    const file = decodeSafetensors(encodeSafetensors(tensors, metadata), { source: 'x' });
    expect(file.metadata).toEqual(metadata);
    expect(Object.keys(file.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, entry] of Object.entries(tensors)) {
      expect(file.tensors[name].dtype).toBe(entry.dtype);
      expect(file.tensors[name].shape).toEqual(entry.shape);
      expect(file.tensors[name].data).toBeInstanceOf(entry.data.constructor);
      expect(Array.from(file.tensors[name].data)).toEqual(Array.from(entry.data));
    }
    expect(Object.is(file.tensors['layers.0.weight'].data[4], -0)).toBe(true);
  });

  it('writes no __metadata__ for empty metadata and reads it back as {}', () => {
    const bytes = encodeSafetensors({
      s: { dtype: 'F32', shape: [], data: Float32Array.from([1]) },
    });
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
    expect(decodeSafetensors(bytes, { source: 'x' }).metadata).toEqual({});
    const none = encodeSafetensors({}, {});
    expect(decodeSafetensors(none, { source: 'x' })).toEqual({ tensors: {}, metadata: {} });
  });

  it('reads a file written in any tensor order and with extra header padding', () => {
    const header =
      '{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}   ';
    const file = decodeSafetensors(rawFile(header, [...le32(1), ...le32(2)]), { source: 'x' });
    expect(Object.keys(file.tensors)).toEqual(['a', 'b']);
    expect(file.tensors.b.data[0]).toBe(2);
  });

  it('reads from a Uint8Array that is a view into a larger, unaligned buffer', () => {
    const bytes = encodeSafetensors({
      w: { dtype: 'F64', shape: [2], data: Float64Array.from([1.25, -8]) },
    });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const file = decodeSafetensors(big.subarray(3), { source: 'x' });
    expect(Array.from(file.tensors.w.data)).toEqual([1.25, -8]);
  });

  it('returns copies that do not alias the input bytes', () => {
    const bytes = encodeSafetensors({
      w: { dtype: 'F32', shape: [1], data: Float32Array.from([1]) },
    });
    const file = decodeSafetensors(bytes, { source: 'x' });
    bytes.fill(0, bytes.length - 4);
    expect(file.tensors.w.data[0]).toBe(1);
  });
});
