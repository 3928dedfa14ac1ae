import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { Rng } from '../../src/tensor/rng.js';

const SOURCE = 'checkpoint.safetensors';

/** The CheckpointError that decoding `bytes` throws; anything else (or nothing) fails the test. */
function decodeError(bytes: Uint8Array): CheckpointError {
  try {
    decodeSafetensors(bytes, { source: SOURCE });
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    const message = (error as Error).message;
    expect(message.startsWith(`${SOURCE} `)).toBe(true);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError, the file was accepted');
}

/** A file from a header string and `dataBytes` zero bytes of data. */
function rawFile(header: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function withHeaderLength(bytes: Uint8Array, n: bigint): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setBigUint64(0, n, true);
  return copy;
}

const good = encodeSafetensors(
  {
    'layers.0.weight': { dtype: 'F32', shape: [4, 3], data: new Float32Array(12).fill(0.5) },
    'layers.0.bias': { dtype: 'F32', shape: [4], data: new Float32Array(4) },
    steps: { dtype: 'I32', shape: [], data: Int32Array.from([9]) },
  },
  { modelspec: '1', optimizer: '{"lr":0.1}' },
);
const tensorInfo = (info: string) => rawFile(`{"t":${info}}`, 16);

describe('decodeSafetensors refuses every corruption with a CheckpointError', () => {
  it('the known-good file decodes', () => {
    expect(Object.keys(decodeSafetensors(good, { source: SOURCE }).tensors)).toHaveLength(3);
  });

  it('a file cut short at any byte', () => {
    for (let cut = 0; cut < good.length; cut++) decodeError(good.subarray(0, cut));
    expect(decodeError(good.subarray(0, 5)).message).toBe(
      `${SOURCE} is truncated: 5 bytes, too short for the 8-byte header length`,
    );
    const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
    expect(decodeError(good.subarray(0, 8 + headerLength + 20)).message).toBe(
      `${SOURCE} is truncated: header says 68 bytes of data, file has 20`,
    );
    expect(decodeError(good.subarray(0, 50)).message).toBe(
      `${SOURCE} is truncated: header says it is ${headerLength} bytes, the file has 42 after the length field`,
    );
  });

  it('a header length that is absurd, too long or too short', () => {
    expect(decodeError(withHeaderLength(good, 2n ** 63n)).message).toMatch(
      /header length field says 9223372036854775808 bytes \(more than the 100000000 allowed\)/,
    );
    expect(decodeError(withHeaderLength(good, 100_000_001n)).message).toMatch(/allowed/);
    expect(decodeError(withHeaderLength(good, BigInt(good.length))).message).toMatch(
      /is truncated: header says it is/,
    );
    expect(decodeError(withHeaderLength(good, 12n)).message).toMatch(/not valid JSON/);
    expect(decodeError(withHeaderLength(good, 0n)).message).toMatch(
      /does not start with a JSON object/,
    );
  });

  it('a header that is not UTF-8, not JSON, or not an object', () => {
    const bad = rawFile('{"a":1}');
    bad[10] = 0xff;
    expect(decodeError(bad).message).toBe(`${SOURCE} has a corrupt header: it is not valid UTF-8`);
    expect(decodeError(rawFile('{"t": {"dtype": "F32",')).message).toMatch(
      /has a corrupt header: not valid JSON/,
    );
    expect(decodeError(rawFile('[1, 2]')).message).toMatch(/does not start with a JSON object/);
    expect(decodeError(rawFile('{} trailing')).message).toMatch(/not valid JSON/);
    expect(decodeError(rawFile('"text"')).message).toMatch(/corrupt header/);
  });

  it('an unknown dtype, a missing dtype, or unknown fields', () => {
    expect(
      decodeError(tensorInfo('{"dtype":"F16","shape":[8],"data_offsets":[0,16]}')).message,
    ).toBe(
      `${SOURCE} has a corrupt header: tensor 't' has dtype 'F16', which modelspec does not read (F32, I32, F64, I64)`,
    );
    expect(
      decodeError(tensorInfo('{"dtype":"toString","shape":[4],"data_offsets":[0,16]}')).message,
    ).toMatch(/dtype 'toString'/);
    expect(decodeError(tensorInfo('{"shape":[4],"data_offsets":[0,16]}')).message).toMatch(
      /has no dtype/,
    );
    expect(
      decodeError(tensorInfo('{"dtype":"F32","shape":[4],"data_offsets":[0,16],"x":1}')).message,
    ).toMatch(/has unknown field x/);
    expect(decodeError(tensorInfo('[1]')).message).toMatch(/tensor 't' is a list, not an object/);
  });

  it('a shape that is not a list of non-negative integers', () => {
    for (const shape of ['[-4]', '[2.5]', '"4"', '["4"]', '[4, null]', '{}', '[1e300, 1e300]']) {
      const e = decodeError(tensorInfo(`{"dtype":"F32","shape":${shape},"data_offsets":[0,16]}`));
      expect(e.message).toMatch(/not a list of non-negative integers/);
    }
    expect(decodeError(tensorInfo('{"dtype":"F32","data_offsets":[0,16]}')).message).toMatch(
      /tensor 't' has no shape/,
    );
  });

  it('data_offsets that are malformed or do not match shape × dtype', () => {
    for (const offsets of ['[0]', '[0,16,32]', '[-1,15]', '["0","16"]', '[0.5,16.5]', 'null']) {
      const e = decodeError(tensorInfo(`{"dtype":"F32","shape":[4],"data_offsets":${offsets}}`));
      expect(e.message).toMatch(/not \[begin, end\] byte offsets/);
    }
    expect(
      decodeError(tensorInfo('{"dtype":"F32","shape":[4],"data_offsets":[16,0]}')).message,
    ).toMatch(/end before they begin/);
    expect(
      decodeError(tensorInfo('{"dtype":"F32","shape":[3],"data_offsets":[0,16]}')).message,
    ).toBe(
      `${SOURCE} has a corrupt header: tensor 't': shape [3] of F32 is 12 bytes, its data_offsets [0, 16] cover 16`,
    );
    expect(
      decodeError(tensorInfo('{"dtype":"F64","shape":[4],"data_offsets":[0,16]}')).message,
    ).toMatch(/shape \[4\] of F64 is 32 bytes/);
  });

  it('offsets that overlap, leave a gap, or run past or short of the data', () => {
    const two = (a: string, b: string, dataBytes: number) =>
      decodeError(
        rawFile(
          `{"a":{"dtype":"F32","shape":[2],"data_offsets":${a}},"b":{"dtype":"F32","shape":[2],"data_offsets":${b}}}`,
          dataBytes,
        ),
      ).message;
    expect(two('[0,8]', '[4,12]', 12)).toBe(
      `${SOURCE} has overlapping tensors: 'a' [0, 8) and 'b' [4, 12)`,
    );
    expect(two('[0,8]', '[0,8]', 8)).toMatch(/overlapping tensors/);
    expect(two('[0,8]', '[12,20]', 20)).toBe(
      `${SOURCE} has a gap in its data: bytes [8, 12) belong to no tensor`,
    );
    expect(two('[4,12]', '[12,20]', 20)).toMatch(/bytes \[0, 4\) belong to no tensor/);
    expect(two('[0,8]', '[8,16]', 12)).toBe(
      `${SOURCE} is truncated: header says 16 bytes of data, file has 12`,
    );
    expect(two('[0,8]', '[8,16]', 20)).toBe(
      `${SOURCE} has 4 unexpected bytes after the tensor data (header says 16 bytes of data)`,
    );
  });

  it('a duplicated tensor name (JSON keeps the last) shows up as uncovered data', () => {
    const header =
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expect(decodeError(rawFile(header, 8)).message).toMatch(/bytes \[0, 4\) belong to no tensor/);
  });

  it('__metadata__ that is not an object of strings', () => {
    expect(decodeError(rawFile('{"__metadata__":{"epoch":3}}')).message).toBe(
      `${SOURCE} has a corrupt header: __metadata__ value 'epoch' is a number, not a string`,
    );
    expect(decodeError(rawFile('{"__metadata__":["a"]}')).message).toMatch(
      /__metadata__ is not an object/,
    );
    expect(decodeError(rawFile('{"__metadata__":{"a":null}}')).message).toMatch(/is null/);
    const nullMetadata = rawFile('{"__metadata__":null}');
    expect(decodeSafetensors(nullMetadata, { source: SOURCE }).metadata).toEqual({});
  });

  it('random byte flips anywhere give either a valid file or a CheckpointError', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = good.slice();
      const flips = 1 + rng.int(3);
      for (let k = 0; k < flips; k++) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
      try {
        decodeSafetensors(bytes, { source: SOURCE });
      } catch (error) {
        expect(error).toBeInstanceOf(CheckpointError);
      }
    }
  });
});
