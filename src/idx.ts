// The IDX format that MNIST ships in: 2 zero bytes, a dtype code, a rank, big-endian uint32 dimensions,
// then big-endian element data. Files may be gzipped; that is detected by the gzip magic bytes.
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { writeFileAtomic } from "./atomic-write";

export type IdxDtype = "ubyte" | "byte" | "int16" | "int32" | "float32" | "float64";
export type IdxTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
export interface IdxArray {
  data: IdxTypedArray;
  shape: number[];
  dtype: IdxDtype;
}

interface DtypeInfo {
  code: number;
  bytes: number;
  array: { new (length: number): IdxTypedArray; name: string };
  get: (view: DataView, offset: number) => number; // big-endian read
  set: (view: DataView, offset: number, value: number) => void; // big-endian write
}

export const IDX_DTYPES: Record<IdxDtype, DtypeInfo> = {
  ubyte: { code: 0x08, bytes: 1, array: Uint8Array, get: (v, o) => v.getUint8(o), set: (v, o, x) => v.setUint8(o, x) },
  byte: { code: 0x09, bytes: 1, array: Int8Array, get: (v, o) => v.getInt8(o), set: (v, o, x) => v.setInt8(o, x) },
  int16: { code: 0x0b, bytes: 2, array: Int16Array, get: (v, o) => v.getInt16(o), set: (v, o, x) => v.setInt16(o, x) },
  int32: { code: 0x0c, bytes: 4, array: Int32Array, get: (v, o) => v.getInt32(o), set: (v, o, x) => v.setInt32(o, x) },
  float32: { code: 0x0d, bytes: 4, array: Float32Array, get: (v, o) => v.getFloat32(o), set: (v, o, x) => v.setFloat32(o, x) },
  float64: { code: 0x0e, bytes: 8, array: Float64Array, get: (v, o) => v.getFloat64(o), set: (v, o, x) => v.setFloat64(o, x) },
};

// Nothing in this course comes near 1 GiB; a header that asks for more is corrupt, so refuse it before allocating.
export const MAX_IDX_PAYLOAD_BYTES = 2 ** 30;

export class IdxFormatError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    problem: string,
    advice = "check the file, or fetch it again with `npm run data`",
  ) {
    super(`${file}: ${problem} at byte ${offset} — ${advice}`);
    this.name = "IdxFormatError";
  }
}

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Returns the IDX bytes themselves: gunzipped when the input starts with the gzip magic, else unchanged. */
export function decompressIdx(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    // 1 MiB output chunks instead of 16 KiB: fewer pieces for zlib to hand back and concatenate.
    return zlib.gunzipSync(bytes, { chunkSize: 1 << 20, maxOutputLength: MAX_IDX_PAYLOAD_BYTES + 4 + 4 * 255 });
  } catch (err) {
    const { offset, reason } = locateGzipDamage(bytes, err as Error);
    throw new IdxFormatError(file, offset, `corrupt gzip stream (${reason})`, "the file is damaged; fetch it again with `npm run data`");
  }
}

// zlib does not say where a stream broke. A prefix inflated with SYNC_FLUSH fails only if the damage lies
// inside it, so a binary search over prefix lengths finds the first bad compressed byte.
function locateGzipDamage(bytes: Uint8Array, err: Error): { offset: number; reason: string } {
  if (err instanceof RangeError) return { offset: 0, reason: `expands beyond ${MAX_IDX_PAYLOAD_BYTES} bytes` };
  const fails = (n: number) => {
    try {
      zlib.gunzipSync(bytes.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(bytes.length)) return { offset: bytes.length, reason: "stream ends early" };
  let lo = 0;
  let hi = bytes.length; // fails(hi) holds, fails(lo) does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid)) hi = mid;
    else lo = mid;
  }
  return { offset: hi - 1, reason: err.message };
}

/** Reads an IDX file (path or bytes, gzipped or not) into a typed array of its own dtype. */
export function readIdx(pathOrBytes: string | Uint8Array, name?: string): IdxArray {
  const file = name ?? (typeof pathOrBytes === "string" ? pathOrBytes : "<bytes>");
  const raw = typeof pathOrBytes === "string" ? fs.readFileSync(pathOrBytes) : pathOrBytes;
  return parseIdx(decompressIdx(raw, file), file);
}

/** Parses uncompressed IDX bytes, validating the header before any allocation. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new IdxFormatError(file, bytes.length, `header ends early: ${bytes.length} of 4 magic bytes`, "the file is truncated; fetch it again");
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const found = `0x${hex(bytes[0])} 0x${hex(bytes[1])}`;
    throw new IdxFormatError(file, 0, `not an IDX file: the first two bytes are ${found}, expected 0x00 0x00`, "check that this is an IDX file such as train-images-idx3-ubyte");
  }
  const dtype = dtypeOfCode(bytes[2]);
  if (!dtype) throw new IdxFormatError(file, 2, `unknown dtype code 0x${hex(bytes[2])} (known: 0x08, 0x09, 0x0B-0x0E)`, "the header is corrupt; fetch the file again");
  const rank = bytes[3];
  if (rank === 0) throw new IdxFormatError(file, 3, "rank is 0, an IDX array needs at least one dimension", "the header is corrupt; fetch the file again");
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(file, bytes.length, `header ends early: rank ${rank} needs ${headerBytes} header bytes, the file has ${bytes.length}`, "the file is truncated; fetch it again");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { bytes: size, array, get } = IDX_DTYPES[dtype];
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    shape.push(view.getUint32(4 + 4 * i));
    count *= shape[i];
    if (count * size > MAX_IDX_PAYLOAD_BYTES) {
      throw new IdxFormatError(file, 4 + 4 * i, `dimensions [${shape.join(", ")}${i < rank - 1 ? ", …" : ""}] ask for more than ${MAX_IDX_PAYLOAD_BYTES} bytes of ${dtype}`, "the header is corrupt; fetch the file again");
    }
  }
  const expected = headerBytes + count * size;
  if (bytes.length < expected) {
    throw new IdxFormatError(file, bytes.length, `data ends early: shape [${shape}] of ${dtype} needs ${expected} bytes, the file has ${bytes.length}`, "the file is truncated; fetch it again");
  }
  if (bytes.length > expected) {
    throw new IdxFormatError(file, expected, `${bytes.length - expected} unexpected trailing bytes after shape [${shape}] of ${dtype}`, "the file is damaged or not this shape; fetch it again");
  }
  if (size === 1) {
    // One-byte elements have no byte order: view the bytes in place, no copy.
    const View = dtype === "ubyte" ? Uint8Array : Int8Array;
    return { data: new View(bytes.buffer, bytes.byteOffset + headerBytes, count), shape, dtype };
  }
  const data = new array(count); // big-endian on disk: decode element by element
  for (let i = 0, o = headerBytes; i < count; i++, o += size) data[i] = get(view, o);
  return { data, shape, dtype };
}

/** Encodes an array as IDX bytes (big-endian). */
export function encodeIdx({ data, shape, dtype }: IdxArray): Uint8Array {
  const info = IDX_DTYPES[dtype];
  if (!info) throw new Error(`encodeIdx: unknown dtype ${dtype}`);
  if (!(data instanceof info.array)) throw new Error(`encodeIdx: dtype ${dtype} needs a ${info.array.name}, got ${data.constructor.name}`);
  if (shape.length < 1 || shape.length > 255) throw new Error(`encodeIdx: rank must be 1..255, got ${shape.length}`);
  if (shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) throw new Error(`encodeIdx: bad shape [${shape}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeIdx: shape [${shape}] holds ${count} elements, data has ${data.length}`);
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  if (info.bytes === 1) out.set(new Uint8Array(data.buffer, data.byteOffset, count), headerBytes);
  else for (let i = 0, o = headerBytes; i < count; i++, o += info.bytes) info.set(view, o, data[i]);
  return out;
}

/** Writes an IDX file atomically (temp file, then rename); gzipped when asked. */
export function writeIdx(path: string, array: IdxArray, opts: { gzip?: boolean } = {}): void {
  const bytes = encodeIdx(array);
  writeFileAtomic(path, opts.gzip ? zlib.gzipSync(bytes) : bytes);
}

function dtypeOfCode(code: number): IdxDtype | undefined {
  return (Object.keys(IDX_DTYPES) as IdxDtype[]).find((d) => IDX_DTYPES[d].code === code);
}

const hex = (b: number) => b.toString(16).padStart(2, "0").toUpperCase();
