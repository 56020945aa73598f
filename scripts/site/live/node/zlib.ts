// node:zlib for a course page: gzip and gunzip on fflate, with Node's synchronous names. `finishFlush: Z_SYNC_FLUSH`
// keeps its Node meaning: a stream cut short is not an error, damaged bytes still are (src/idx.ts uses it to find
// where a gzip file is damaged).
import { Gunzip, gunzipSync as fflateGunzip, gzipSync as fflateGzip } from "fflate";

export const constants = { Z_SYNC_FLUSH: 2, Z_FINISH: 4 };

interface Options {
  finishFlush?: number;
  maxOutputLength?: number;
  chunkSize?: number;
}

export function gunzipSync(bytes: Uint8Array, options: Options = {}): Uint8Array {
  if (options.finishFlush === constants.Z_SYNC_FLUSH) {
    const parts: Uint8Array[] = [];
    new Gunzip((chunk) => parts.push(chunk)).push(bytes, false);
    return concat(parts);
  }
  let out: Uint8Array;
  try {
    out = fflateGunzip(bytes);
  } catch (err) {
    throw new Error(`incorrect gzip data: ${(err as Error).message}`);
  }
  if (options.maxOutputLength !== undefined && out.length > options.maxOutputLength) throw new RangeError(`gunzip output exceeds ${options.maxOutputLength} bytes`);
  return out;
}

export function gzipSync(bytes: Uint8Array | string): Uint8Array {
  return fflateGzip(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) (out.set(p, offset), (offset += p.length));
  return out;
}
