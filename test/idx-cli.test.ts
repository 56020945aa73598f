// `npm run idx` as a person runs it: real files, real exit codes, one-line errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { encodeIdx } from "../src/idx";

const repo = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idx-cli-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function idx(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(repo, "scripts/idx.ts"), ...args], { cwd: repo, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// A 2-image file: image 0 has a bright 3×3 square at rows 10-12, columns 5-7.
const images = new Uint8Array(2 * 784);
for (let y = 10; y < 13; y++) for (let x = 5; x < 8; x++) images[y * 28 + x] = 255;
const imagesFile = path.join(tmp, "images-idx3-ubyte");
fs.writeFileSync(imagesFile, encodeIdx({ dtype: "ubyte", shape: [2, 28, 28], data: images }));
const labelsFile = path.join(tmp, "labels-idx1-ubyte");
fs.writeFileSync(labelsFile, encodeIdx({ dtype: "ubyte", shape: [5], data: Uint8Array.from([1, 1, 1, 4, 9]) }));

test("info prints header, dtype, shape and value range", () => {
  const r = idx("info", imagesFile);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /00 00 08 03/);
  assert.match(r.out, /ubyte/);
  assert.match(r.out, /\[2, 28, 28\]/);
  assert.match(r.out, /0 … 255/);
});

test("info on a rank-1 file prints the label histogram", () => {
  const r = idx("info", labelsFile);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\s+1\s+3 █+$/m);
  assert.match(r.out, /^\s+4\s+1 █+$/m);
  assert.match(r.out, /^\s+9\s+1 █+$/m);
});

test("show draws the image as text art, one line per row", () => {
  const r = idx("show", imagesFile, "--index", "0");
  assert.equal(r.code, 0, r.err);
  const rows = r.out.split("\n").slice(1, 29);
  assert.equal(rows.length, 28);
  rows.forEach((line, y) => {
    const ink = y >= 10 && y < 13;
    assert.equal(line.trim().length > 0, ink, `row ${y}: ${JSON.stringify(line)}`);
    if (ink) assert.equal(line.indexOf(line.trim()), 10, "the square starts at column 5 (two characters per pixel)");
  });
});

test("a bad file exits 1 with a single error line naming the file and byte", () => {
  const bad = path.join(tmp, "bad.idx");
  fs.writeFileSync(bad, Buffer.from([0, 0, 0x08, 3, 0, 0, 0, 9]));
  const r = idx("info", bad);
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  assert.match(r.err, new RegExp(`^error: ${bad.replace(/[.]/g, "\\.")}: header ends early.* at byte 8 — .+\\n$`));
  const missing = idx("info", path.join(tmp, "nope"));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^error: .*nope: no such file.*\n$/);
});

test("bad usage exits 2", () => {
  assert.equal(idx().code, 2);
  assert.equal(idx("frob", imagesFile).code, 2);
  assert.equal(idx("show", imagesFile).code, 2);
  assert.equal(idx("show", imagesFile, "--index", "2").code, 2);
  assert.equal(idx("show", labelsFile, "--index", "0").code, 2);
  assert.equal(idx("info", imagesFile, "--bogus").code, 2);
});

test("info works on every cached dataset file", () => {
  const data = process.env.COURSE_DATA_DIR ?? path.join(repo, "data");
  const files = fs.existsSync(data) ? fs.readdirSync(data).flatMap((d) => (fs.statSync(path.join(data, d)).isDirectory() ? fs.readdirSync(path.join(data, d)).filter((f) => f.endsWith("-ubyte.gz")).map((f) => path.join(data, d, f)) : [])) : [];
  for (const file of files) assert.equal(idx("info", file).code, 0, file);
});
