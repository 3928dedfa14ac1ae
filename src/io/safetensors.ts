/**
 * The safetensors file format (https://github.com/huggingface/safetensors), on plain typed
 * arrays: an 8-byte little-endian u64 N, N bytes of JSON header
 * `{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}`
 * padded with spaces to a multiple of 8, then the tensors' little-endian bytes, back to back.
 *
 * Writing follows the reference implementation so files are byte-for-byte what it would write:
 * tensors ordered by dtype (I64, F64, F32, then I32: descending in the reference's dtype enum,
 * which puts the widest first and keeps every tensor aligned to its element size) and then by
 * name (UTF-8 byte order); the header is compact JSON with
 * `__metadata__` first (left out when there is no metadata) and the tensors in data order.
 * Reading checks everything the reference reader checks, and more, and reports each problem as a
 * CheckpointError naming the file.
 */

/**
 * I64 is how torch stores integers (num_batches_tracked); modelspec holds integers as int32, so
 * an I64 entry's data is an Int32Array, each value written sign-extended to 8 bytes and read
 * back only when it fits in int32.
 */
export type SafetensorsDType = 'F32' | 'I32' | 'F64' | 'I64';

export type SafetensorsArray = Float32Array | Int32Array | Float64Array;

export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  data: SafetensorsArray;
}

export interface SafetensorsFile {
  /** In the order of their data in the file. */
  tensors: Record<string, SafetensorsEntry>;
  /** `__metadata__`, or {} when the file has none. */
  metadata: Record<string, string>;
}

/** A checkpoint file that cannot be read or does not hold what it should. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** Larger headers are refused before parsing (the reference reader's limit, 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const ELEMENT_BYTES: Record<SafetensorsDType, number> = { I64: 8, F64: 8, F32: 4, I32: 4 };
/** Position in the reference implementation's Dtype enum; larger is written first. */
const DTYPE_RANK: Record<SafetensorsDType, number> = { I64: 4, F64: 3, F32: 2, I32: 1 };
const ARRAY_TYPE = {
  F32: Float32Array,
  I32: Int32Array,
  F64: Float64Array,
  I64: Int32Array,
} as const;
const byteLength = (entry: SafetensorsEntry) => entry.data.length * ELEMENT_BYTES[entry.dtype];
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const METADATA_KEY = '__metadata__';

export function encodeSafetensors(
  tensors: Record<string, SafetensorsEntry>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors);
  for (const name of names) checkEntryToWrite(name, tensors[name]);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new CheckpointError(
        `safetensors metadata '${key}' must be a string, got ${typeof value}`,
      );
    }
  }
  const utf8 = new TextEncoder();
  const order = names
    .map((name) => ({ name, bytes: utf8.encode(name), entry: tensors[name] }))
    .sort(
      (a, b) =>
        DTYPE_RANK[b.entry.dtype] - DTYPE_RANK[a.entry.dtype] || compareBytes(a.bytes, b.bytes),
    );

  // Built by hand so that keys keep this order (a JS object would put integer-like names first).
  const fields: string[] = [];
  if (Object.keys(metadata).length > 0) {
    fields.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const { name, entry } of order) {
    const end = offset + byteLength(entry);
    const info = { dtype: entry.dtype, shape: entry.shape, data_offsets: [offset, end] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = utf8.encode(`{${fields.join(',')}}`);
  const headerLength = json.length + ((8 - (json.length % 8)) % 8);

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { entry } of order) {
    if (entry.dtype === 'I64') writeI64(entry.data as Int32Array, out, at);
    else writeLittleEndian(entry.data, out, at);
    at += byteLength(entry);
  }
  return out;
}

function checkEntryToWrite(name: string, entry: SafetensorsEntry): void {
  if (name === METADATA_KEY) {
    throw new CheckpointError(`'${METADATA_KEY}' cannot be a tensor name in a safetensors file`);
  }
  const ArrayType = ARRAY_TYPE[entry.dtype];
  if (ArrayType === undefined) {
    throw new CheckpointError(
      `tensor '${name}': dtype '${entry.dtype}' is not one of F32, I32, F64, I64`,
    );
  }
  if (!(entry.data instanceof ArrayType)) {
    throw new CheckpointError(
      `tensor '${name}': dtype ${entry.dtype} needs a ${ArrayType.name}, got ${entry.data?.constructor?.name}`,
    );
  }
  const count = elementCount(entry.shape);
  if (count === null) {
    throw new CheckpointError(
      `tensor '${name}': shape ${JSON.stringify(entry.shape)} is not a list of non-negative integers`,
    );
  }
  if (count !== entry.data.length) {
    throw new CheckpointError(
      `tensor '${name}': shape [${entry.shape.join(', ')}] has ${count} elements, the data has ${entry.data.length}`,
    );
  }
}

/**
 * Parses and checks a safetensors file. `source` names it in error messages. The arrays returned
 * are fresh copies, independent of `bytes`.
 */
export function decodeSafetensors(bytes: Uint8Array, options: { source: string }): SafetensorsFile {
  const src = options.source;
  const fail = (what: string): never => {
    throw new CheckpointError(`${src} ${what}`);
  };
  if (bytes.length < 8) {
    fail(`is truncated: ${bytes.length} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `is not a valid safetensors file: its header length field says ${declared} bytes (more than the ${MAX_HEADER_BYTES} allowed)`,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    fail(
      `is truncated: header says it is ${headerLength} bytes, the file has ${bytes.length - 8} after the length field`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return fail('has a corrupt header: it is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('has a corrupt header: it does not start with a JSON object');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`has a corrupt header: not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) fail('has a corrupt header: the JSON is not an object');
  const record = header as Record<string, unknown>;

  const metadata = readMetadata(record[METADATA_KEY], fail);
  const infos = Object.keys(record)
    .filter((name) => name !== METADATA_KEY)
    .map((name) => readTensorInfo(name, record[name], fail));

  const inOrder = [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorInfo | null = null;
  for (const info of inOrder) {
    if (previous !== null && info.begin < covered) {
      fail(
        `has overlapping tensors: '${previous.name}' [${previous.begin}, ${previous.end}) and '${info.name}' [${info.begin}, ${info.end})`,
      );
    }
    if (info.begin > covered) {
      fail(`has a gap in its data: bytes [${covered}, ${info.begin}) belong to no tensor`);
    }
    covered = info.end;
    previous = info;
  }
  const dataStart = 8 + headerLength;
  const available = bytes.length - dataStart;
  if (covered > available) {
    fail(`is truncated: header says ${covered} bytes of data, file has ${available}`);
  }
  if (covered < available) {
    fail(
      `has ${available - covered} unexpected bytes after the tensor data (header says ${covered} bytes of data)`,
    );
  }

  const tensors: [string, SafetensorsEntry][] = inOrder.map((info) => {
    const at = dataStart + info.begin;
    const length = info.end - info.begin;
    const data =
      info.dtype === 'I64'
        ? readI64(bytes, at, length, info.name, fail)
        : readLittleEndian(info.dtype, bytes, at, length);
    return [info.name, { dtype: info.dtype, shape: info.shape, data }];
  });
  return { tensors: Object.fromEntries(tensors), metadata };
}

interface TensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

type Fail = (what: string) => never;

function readMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) fail(`has a corrupt header: ${METADATA_KEY} is not an object`);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, v] of entries) {
    if (typeof v !== 'string') {
      fail(`has a corrupt header: ${METADATA_KEY} value '${key}' is ${describe(v)}, not a string`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function readTensorInfo(name: string, value: unknown, fail: Fail): TensorInfo {
  const where = `has a corrupt header: tensor '${name}'`;
  if (!isPlainObject(value)) fail(`${where} is ${describe(value)}, not an object`);
  const info = value as Record<string, unknown>;
  const extra = Object.keys(info).filter((k) => !['dtype', 'shape', 'data_offsets'].includes(k));
  if (extra.length > 0)
    fail(`${where} has unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(`${where} has no dtype`);
  if (!Object.hasOwn(ELEMENT_BYTES, dtype as string)) {
    fail(`${where} has dtype '${dtype}', which modelspec does not read (F32, I32, F64, I64)`);
  }
  if (shape === undefined) fail(`${where} has no shape`);
  if (offsets === undefined) fail(`${where} has no data_offsets`);
  const count = elementCount(shape);
  if (count === null) {
    fail(`${where} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(`${where} has data_offsets ${JSON.stringify(offsets)}, not [begin, end] byte offsets`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where} has data_offsets [${begin}, ${end}] that end before they begin`);
  const size = (count as number) * ELEMENT_BYTES[dtype as SafetensorsDType];
  if (end - begin !== size) {
    fail(
      `${where}: shape [${(shape as number[]).join(', ')}] of ${dtype} is ${size} bytes, its data_offsets [${begin}, ${end}] cover ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, shape: [...(shape as number[])], begin, end };
}

/** Product of a shape's dims, or null if it is not a list of non-negative integers (or overflows). */
function elementCount(shape: unknown): number | null {
  if (!Array.isArray(shape)) return null;
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) return null;
    count *= dim;
  }
  return Number.isSafeInteger(count) ? count : null;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function writeLittleEndian(data: SafetensorsArray, out: Uint8Array, at: number): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, data.byteLength);
  const step = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * step, data[i], true);
    else if (data instanceof Int32Array) view.setInt32(i * step, data[i], true);
    else view.setFloat64(i * step, data[i], true);
  }
}

function readLittleEndian(
  dtype: SafetensorsDType,
  bytes: Uint8Array,
  at: number,
  byteLength: number,
): SafetensorsArray {
  const out = new ARRAY_TYPE[dtype](byteLength / ELEMENT_BYTES[dtype]);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + byteLength));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, byteLength);
  const step = ELEMENT_BYTES[dtype];
  for (let i = 0; i < out.length; i++) {
    out[i] =
      dtype === 'F32'
        ? view.getFloat32(i * step, true)
        : dtype === 'I32'
          ? view.getInt32(i * step, true)
          : view.getFloat64(i * step, true);
  }
  return out;
}

/** Each int32 value as a little-endian int64 (sign-extended). */
function writeI64(data: Int32Array, out: Uint8Array, at: number): void {
  const view = new DataView(out.buffer, out.byteOffset + at, data.length * 8);
  for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]), true);
}

/** Little-endian int64 values as int32; one that does not fit is a CheckpointError. */
function readI64(bytes: Uint8Array, at: number, length: number, name: string, fail: Fail) {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, length);
  const out = new Int32Array(length / 8);
  for (let i = 0; i < out.length; i++) {
    const value = view.getBigInt64(i * 8, true);
    if (value < -(2n ** 31n) || value >= 2n ** 31n) {
      fail(
        `has a corrupt tensor: '${name}' (I64) holds ${value} at element ${i}, beyond the int32 range modelspec keeps integers in`,
      );
    }
    out[i] = Number(value);
  }
  return out;
}
