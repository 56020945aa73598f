// Download paths against a real HTTP server on 127.0.0.1: checksum mismatch, a connection dropped mid-transfer,
// stalls, mirror fallback — and never a partial file left in the cache.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { createHash } from "node:crypto";
import { downloadVerified, DownloadError } from "../src/download";
import { DatasetUnavailableError, loadDataset, prepareDataset } from "../src/datasets";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "download-test-"));
process.env.COURSE_DATA_DIR = path.join(tmp, "data");
delete process.env.COURSE_OFFLINE;

// A tiny dataset built by hand: 3 images of 28×28 and 3 labels per split, IDX headers written byte by byte.
function idxBytes(dims: number[], payload: number[]): Buffer {
  const header = [0, 0, 0x08, dims.length, ...dims.flatMap((d) => [d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
  return Buffer.from([...header, ...payload]);
}
const images = idxBytes([3, 28, 28], Array.from({ length: 3 * 784 }, (_, i) => (i * 31) % 256));
const labels = idxBytes([3], [7, 0, 9]);
const files: Record<string, Buffer> = {
  "train-images-idx3-ubyte.gz": zlib.gzipSync(images),
  "train-labels-idx1-ubyte.gz": zlib.gzipSync(labels),
  "t10k-images-idx3-ubyte.gz": zlib.gzipSync(images, { level: 1 }), // a different compression of the same payload
  "t10k-labels-idx1-ubyte.gz": zlib.gzipSync(labels),
};
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const checksums = {
  "train-images-idx3-ubyte.gz": { sha256: sha(images) },
  "train-labels-idx1-ubyte.gz": { sha256: sha(labels) },
  "t10k-images-idx3-ubyte.gz": { sha256: sha(images) },
  "t10k-labels-idx1-ubyte.gz": { sha256: sha(labels) },
};

let server: http.Server;
let silent: net.Server; // accepts connections and never answers
let base = "";
let silentBase = "";
let refusedBase = "";
const sockets = new Set<net.Socket>();

before(async () => {
  server = http.createServer((req, res) => {
    const [, mode, name] = req.url!.split("/");
    const body = files[name];
    if (!body || mode === "404") return res.writeHead(404).end();
    if (mode === "redirect") return res.writeHead(302, { location: `/good/${name}` }).end();
    if (mode === "bad") return res.writeHead(200).end(zlib.gzipSync(labels)); // a valid gzip of the wrong payload
    res.writeHead(200, { "content-length": body.length });
    if (mode === "good") return res.end(body);
    if (mode === "drop") return res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    if (mode === "stall") return res.write(body.subarray(0, body.length >> 1)); // then silence
  });
  server.on("connection", (s) => sockets.add(s));
  silent = net.createServer((s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  silentBase = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  refusedBase = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
  await new Promise((r) => closed.close(r)); // nothing listens there now: connection refused
});

after(() => {
  for (const s of sockets) s.destroy();
  server.close();
  silent.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const name = "train-images-idx3-ubyte.gz";
const verify = (file: string) => {
  if (sha(zlib.gunzipSync(fs.readFileSync(file))) !== checksums[name].sha256) throw new Error("checksum mismatch");
};
const opts = { connectTimeoutMs: 1000, idleTimeoutMs: 500, progress: false };

function freshDir(label: string): string {
  const dir = path.join(tmp, label);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function expectFailure(urls: string[], dir: string, pattern: RegExp) {
  await assert.rejects(downloadVerified(urls, path.join(dir, name), verify, opts), (err: unknown) => {
    assert.ok(err instanceof DownloadError);
    assert.match(err.message, pattern);
    return true;
  });
  assert.deepEqual(fs.readdirSync(dir), [], "nothing, not even a temp file, is left behind");
}

test("a good mirror gives the verified file", async () => {
  const dir = freshDir("good");
  const used = await downloadVerified([`${base}/good/${name}`], path.join(dir, name), verify, opts);
  assert.equal(used, `${base}/good/${name}`);
  assert.deepEqual(fs.readdirSync(dir), [name]);
  assert.deepEqual(fs.readFileSync(path.join(dir, name)), files[name]);
});

test("a checksum mismatch is refused and nothing is cached", async () => {
  await expectFailure([`${base}/bad/${name}`], freshDir("bad"), /bad\/.*checksum mismatch/);
});

test("a connection dropped mid-transfer fails and leaves nothing", async () => {
  await expectFailure([`${base}/drop/${name}`], freshDir("drop"), /drop\/.*(aborted|closed|reset|ECONNRESET)/i);
});

test("a stalled transfer times out and leaves nothing", async () => {
  await expectFailure([`${base}/stall/${name}`], freshDir("stall"), /no data for 500 ms/);
});

test("a server that never answers times out quickly", async () => {
  await expectFailure([`${silentBase}/good/${name}`], freshDir("silent"), /no answer within 1000 ms/);
});

test("mirror fallback: refused, dropped and damaged mirrors are skipped for a good one", async () => {
  const dir = freshDir("fallback");
  const urls = [`${refusedBase}/good/${name}`, `${base}/drop/${name}`, `${base}/bad/${name}`, `${base}/404/missing`, `${base}/redirect/${name}`];
  const used = await downloadVerified(urls, path.join(dir, name), verify, opts);
  assert.equal(used, `${base}/redirect/${name}`);
  assert.deepEqual(fs.readdirSync(dir), [name]);
  assert.equal(verify(path.join(dir, name)), undefined);
});

test("all mirrors failing reports each one", async () => {
  const dir = freshDir("all-fail");
  await expectFailure([`${refusedBase}/good/${name}`, `${base}/404/${name}`], dir, /ECONNREFUSED.*; .*HTTP 404/);
});

test("prepareDataset downloads a whole dataset through the mirror list, verifying payloads", async () => {
  const manifest = await prepareDataset("mnist", { mirrors: [`${refusedBase}/good/`, `${base}/good/`], rawFiles: checksums, sources: ["download"], ...opts });
  assert.match(manifest.source, new RegExp(`download ${base}/good/`));
  const ds = await loadDataset("mnist");
  assert.equal(ds.train.count, 3);
  assert.deepEqual([...ds.test.labels], [7, 0, 9]);
  assert.deepEqual(Buffer.from(ds.train.images), images.subarray(16));
  fs.rmSync(path.join(process.env.COURSE_DATA_DIR!, "mnist"), { recursive: true });
});

test("prepareDataset with one damaged file fails clearly and caches no manifest or partial file", async () => {
  const dataset = path.join(process.env.COURSE_DATA_DIR!, "fashion-mnist");
  const broken = { ...checksums, "t10k-labels-idx1-ubyte.gz": { sha256: sha(Buffer.from("something else")) } };
  await assert.rejects(prepareDataset("fashion-mnist", { mirrors: [`${base}/good/`], rawFiles: broken, sources: ["download"], ...opts }), (err: unknown) => {
    assert.ok(err instanceof DatasetUnavailableError);
    assert.match(err.message, /t10k-labels-idx1-ubyte\.gz: payload SHA-256 is .*--from DIR/);
    return true;
  });
  const left = fs.readdirSync(dataset);
  assert.ok(!left.includes("manifest.json"), "no manifest: the dataset is not marked ready");
  assert.ok(!left.includes("t10k-labels-idx1-ubyte.gz"));
  assert.ok(left.every((f) => files[f] && !f.startsWith(".")), `only whole verified files remain: ${left}`);
});
