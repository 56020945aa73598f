import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { IdxArray, IdxFormatError, readIdx, writeIdx, encodeIdx } from "../src/idx";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idx-test-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

const samples: IdxArray[] = [
  { dtype: "ubyte", shape: [3, 2, 2], data: Uint8Array.from([0, 1, 2, 127, 128, 200, 254, 255, 9, 8, 7, 6]) },
  { dtype: "byte", shape: [5], data: Int8Array.from([-128, -1, 0, 1, 127]) },
  { dtype: "int16", shape: [2, 3], data: Int16Array.from([-32768, -2, 0, 258, 32767, 1]) },
  { dtype: "int32", shape: [2, 1, 2, 1], data: Int32Array.from([-2147483648, -1, 16909060, 2147483647]) },
  { dtype: "float32", shape: [4], data: Float32Array.from([-0, 1.5, Number.NaN, -3.4e38]) },
  { dtype: "float64", shape: [1, 3], data: Float64Array.from([Math.PI, -Infinity, 5e-324]) },
];

for (const sample of samples) {
  for (const gzip of [false, true]) {
    test(`round trip: ${sample.dtype} rank ${sample.shape.length}${gzip ? " gzipped" : ""}`, () => {
      const file = path.join(tmp, `${sample.dtype}-${gzip}.idx`);
      writeIdx(file, sample, { gzip });
      const onDisk = fs.readFileSync(file);
      assert.equal(onDisk[0] === 0x1f && onDisk[1] === 0x8b, gzip);
      const back = readIdx(file);
      assert.equal(back.dtype, sample.dtype);
      assert.deepEqual(back.shape, sample.shape);
      assert.equal(back.data.constructor, sample.data.constructor);
      assert.deepEqual(Array.from(back.data), Array.from(sample.data)); // Object.is: NaN and -0 must survive
    });
  }
}

test("reads a hand-written big-endian header and data", () => {
  // int16, rank 1, dim 2, elements 0x0102 and 0xFFFE
  const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  const { data, shape, dtype } = readIdx(bytes);
  assert.equal(dtype, "int16");
  assert.deepEqual(shape, [2]);
  assert.deepEqual(Array.from(data), [258, -2]);
});

test("writes the documented header for MNIST-shaped images", () => {
  const bytes = encodeIdx({ dtype: "ubyte", shape: [2, 28, 28], data: new Uint8Array(2 * 784) });
  assert.deepEqual([...bytes.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
  assert.equal(bytes.length, 16 + 2 * 784);
});

test("gzip is detected by magic bytes, not by the file name", () => {
  const sample = samples[0];
  const misnamedGz = path.join(tmp, "plain-name.idx");
  fs.writeFileSync(misnamedGz, zlib.gzipSync(encodeIdx(sample)));
  const misnamedRaw = path.join(tmp, "looks-compressed.gz");
  fs.writeFileSync(misnamedRaw, encodeIdx(sample));
  assert.deepEqual(Array.from(readIdx(misnamedGz).data), Array.from(sample.data));
  assert.deepEqual(Array.from(readIdx(misnamedRaw).data), Array.from(sample.data));
});

test("ubyte data is a zero-copy view of the decoded bytes", () => {
  const bytes = encodeIdx(samples[0]);
  const { data } = readIdx(bytes);
  assert.equal(data.buffer, bytes.buffer);
  assert.equal(data.byteOffset, bytes.byteOffset + 16);
});

function expectError(bytes: Uint8Array, offset: number, pattern: RegExp) {
  assert.throws(
    () => readIdx(bytes, "bad.idx"),
    (err: unknown) => {
      assert.ok(err instanceof IdxFormatError, `expected IdxFormatError, got ${err}`);
      assert.equal(err.file, "bad.idx");
      assert.equal(err.offset, offset);
      assert.match(err.message, pattern);
      assert.match(err.message, new RegExp(`^bad\\.idx: .* at byte ${offset} — .+`));
      return true;
    },
  );
}

const header = (code: number, dims: number[]) => {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = code;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
};

test("malformed: first two bytes not zero", () => {
  expectError(Buffer.concat([Buffer.from([0x89, 0x50, 8, 1]), Buffer.alloc(8)]), 0, /first two bytes are 0x89 0x50/);
  expectError(Buffer.from([0, 1, 8, 1, 0, 0, 0, 0]), 0, /not an IDX file/);
});

test("malformed: unknown dtype code", () => {
  expectError(Buffer.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), 2, /unknown dtype code 0x0A/);
  expectError(Buffer.from([0, 0, 0x0f, 1, 0, 0, 0, 0]), 2, /unknown dtype code 0x0F/);
});

test("malformed: rank 0", () => {
  expectError(Buffer.from([0, 0, 8, 0]), 3, /rank is 0/);
});

test("malformed: header cut short", () => {
  expectError(Buffer.from([0, 0]), 2, /header ends early/);
  expectError(header(8, [60000, 28, 28]).subarray(0, 10), 10, /rank 3 needs 16 header bytes, the file has 10/);
});

test("malformed: data truncated", () => {
  const bytes = Buffer.concat([header(0x0c, [2, 3]), Buffer.alloc(6 * 4 - 1)]);
  expectError(bytes, 4 + 8 + 23, /data ends early: shape \[2,3\] of int32 needs 36 bytes/);
});

test("malformed: trailing bytes", () => {
  const bytes = Buffer.concat([header(8, [4]), Buffer.alloc(4 + 3)]);
  expectError(bytes, 8 + 4, /3 unexpected trailing bytes/);
});

test("malformed: absurd or overflowing dimension product is refused before allocating", () => {
  expectError(header(0x0e, [0xffffffff, 0xffffffff, 0xffffffff]), 4, /ask for more than/);
  expectError(header(8, [60000, 28, 28, 100000]), 16, /ask for more than/);
  expectError(Buffer.concat([header(8, [1 << 16, 1 << 16]), Buffer.alloc(16)]), 8, /ask for more than/);
});

test("malformed: corrupt gzip stream names the damaged byte", () => {
  const good = zlib.gzipSync(encodeIdx({ dtype: "ubyte", shape: [4096], data: Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251) }));
  const flipped = Buffer.from(good);
  const at = Math.floor(good.length / 2);
  flipped[at] ^= 0xff;
  assert.throws(() => readIdx(flipped, "bad.idx"), (err: unknown) => {
    assert.ok(err instanceof IdxFormatError);
    assert.match(err.message, /corrupt gzip stream/);
    // zlib notices the damage at or after the flipped byte (a CRC failure shows in the trailer)
    assert.ok(err.offset >= at && err.offset < good.length, `offset ${err.offset}`);
    return true;
  });
  expectError(good.subarray(0, good.length - 20), good.length - 20, /corrupt gzip stream \(stream ends early\)/);
  const badCrc = Buffer.from(good);
  badCrc[good.length - 8] ^= 0x01; // the gzip trailer is CRC32 (4 bytes) then the size (4 bytes)
  assert.throws(() => readIdx(badCrc, "bad.idx"), (err: unknown) => {
    assert.ok(err instanceof IdxFormatError);
    assert.match(err.message, /corrupt gzip stream \(.*check/);
    assert.ok(err.offset >= good.length - 8 && err.offset < good.length - 4, `offset ${err.offset} is inside the CRC field`);
    return true;
  });
});

test("error messages carry no stack-only detail: one line", () => {
  try {
    readIdx(Buffer.from([0, 0, 8, 0]), "one-line.idx");
    assert.fail("expected an error");
  } catch (err) {
    assert.equal((err as Error).message.split("\n").length, 1);
  }
});
