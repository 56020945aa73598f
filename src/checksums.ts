// Checksums of dataset files. The payload (the bytes after gunzip) is what counts, so the same data
// recompressed by another source (Debian recompressed Fashion-MNIST) is still accepted.
import { createHash } from "node:crypto";
import { decompressIdx } from "./idx";

export interface ExpectedChecksum {
  sha256?: string; // of the payload: the file after gunzip when it is gzipped, else the file itself
  gzMd5?: string; // of the upstream .gz file, for sets whose payload hash was never published (mnist)
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

export class ChecksumError extends Error {}

/** Verifies a file's bytes; returns the payload and its SHA-256. Throws ChecksumError on a mismatch. */
export function verifyChecksum(bytes: Uint8Array, expected: ExpectedChecksum, file: string): { payload: Uint8Array; sha256: string } {
  const payload = decompressIdx(bytes, file);
  const payloadSha = sha256(payload);
  if (expected.sha256 && payloadSha !== expected.sha256) {
    throw new ChecksumError(`${file}: payload SHA-256 is ${payloadSha}, expected ${expected.sha256}`);
  }
  if (!expected.sha256 && expected.gzMd5 && md5(bytes) !== expected.gzMd5) {
    throw new ChecksumError(`${file}: MD5 is ${md5(bytes)}, expected the upstream .gz with MD5 ${expected.gzMd5}`);
  }
  if (!expected.sha256 && !expected.gzMd5) throw new ChecksumError(`${file}: no checksum to verify against`);
  return { payload, sha256: payloadSha };
}
