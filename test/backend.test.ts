// initBackend from the compiled dist/ (as notebooks load it): selection, TFJS_BACKEND, threads, errors, idempotence.
// Each case runs in a fresh Node process, since a process can start the wasm thread pool only once.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");

/** Runs `code` (CommonJS, with `initBackend` and `tf` in scope) in plain Node against dist/; returns stdout lines. */
function run(code: string, env: Record<string, string> = {}): { lines: string[]; stderr: string; status: number | null } {
  const script = `const { initBackend } = require("./dist/backend"); const tf = require("@tensorflow/tfjs");
    (async () => { ${code} })().catch((e) => { console.error("ERR " + e.message); process.exit(3); });`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, TFJS_BACKEND: "", TFJS_THREADS: "", ...env } });
  return { lines: r.stdout.trim().split("\n"), stderr: r.stderr, status: r.status };
}

test("the default is the best usable backend, and its one-line summary is printed", () => {
  const r = run(`const info = await initBackend(); console.log(JSON.stringify({ info, active: tf.getBackend() }));`);
  assert.equal(r.status, 0, r.stderr);
  const { info, active } = JSON.parse(r.lines[1]);
  assert.equal(r.lines[0], info.summary);
  assert.equal(active, info.backend);
  assert.equal(info.tfjsVersion, require("@tensorflow/tfjs/package.json").version);
  let native = true;
  try {
    require.resolve("@tensorflow/tfjs-node");
  } catch {
    native = false;
  }
  assert.equal(info.backend, native ? "tensorflow" : "wasm");
  assert.match(info.summary, new RegExp(`tfjs ${info.tfjsVersion} on ${info.backend}`));
});

test("wasm uses every available core by default, with SIMD, and computes correctly", () => {
  const r = run(`const info = await initBackend({ backend: "wasm", quiet: true });
    const y = tf.conv2d(tf.ones([2, 9, 9, 3]), tf.ones([3, 3, 3, 4]), 1, "valid");
    console.log(JSON.stringify({ info, sum: (await y.sum().data())[0] }));`);
  assert.equal(r.status, 0, r.stderr);
  const { info, sum } = JSON.parse(r.lines[0]);
  assert.equal(info.threads, os.availableParallelism());
  assert.equal(info.simd, true);
  assert.equal(sum, 2 * 7 * 7 * 4 * 27); // every output sums 3·3·3 ones
});

test("threads can be chosen, and calling twice returns the same info without re-initialising", () => {
  const r = run(`const a = await initBackend({ backend: "wasm", threads: 1 }); const b = await initBackend({ backend: "wasm", threads: 1 });
    console.log(JSON.stringify({ a, b }));`);
  assert.equal(r.status, 0, r.stderr);
  const { a, b } = JSON.parse(r.lines[2]);
  assert.deepEqual(a, b);
  assert.equal(a.threads, 1);
});

test("TFJS_THREADS overrides the threads option", () => {
  const r = run(`const info = await initBackend({ backend: "wasm", threads: 2, quiet: true }); console.log(info.threads);`, { TFJS_THREADS: "1" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.lines[0], "1");
});

test("TFJS_BACKEND overrides the option", () => {
  const r = run(`const info = await initBackend({ backend: "wasm", quiet: true }); console.log(info.backend, tf.getBackend());`, { TFJS_BACKEND: "cpu" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.lines[0], "cpu cpu");
});

test("the cpu backend prints the summary line, not tfjs's install-tfjs-node banner", () => {
  const r = run(`await initBackend({ backend: "cpu" }); console.log(tf.tensor([1, 2]).sum().dataSync()[0]);`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.lines, ["tfjs " + require("@tensorflow/tfjs/package.json").version + " on cpu: 1 thread, no SIMD", "3"]);
  assert.doesNotMatch(r.stderr, /install our node backend/);
});

test("an unknown or unusable backend fails with one line listing what is available", () => {
  const unknown = run(`await initBackend();`, { TFJS_BACKEND: "webgpu" });
  assert.equal(unknown.status, 3);
  assert.match(unknown.stderr, /^ERR Unknown backend "webgpu".*tensorflow, wasm, cpu\.\n$/);
  let native = true;
  try {
    require.resolve("@tensorflow/tfjs-node");
  } catch {
    native = false;
  }
  if (native) return; // tensorflow is usable on this machine, so there is no unusable backend to request
  const unusable = run(`await initBackend({ backend: "tensorflow" });`);
  assert.equal(unusable.status, 3);
  assert.match(unusable.stderr, /^ERR Backend "tensorflow" is not usable here; available: wasm, cpu\.\n$/);
});
