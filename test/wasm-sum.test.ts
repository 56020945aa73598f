// Sum on wasm (our kernel for bias gradients, the built-in otherwise) must equal the cpu backend's.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { seededRandom as rng } from "../src/seeded-random";

before(async () => {
  delete process.env.TFJS_BACKEND;
  await initBackend({ backend: "wasm", quiet: true });
});

async function sumOn(backend: string, values: Float32Array, shape: number[], axis: number[], keepDims: boolean) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const s = tf.sum(tf.tensor(values, shape), axis, keepDims);
    return { shape: s.shape, values: s.dataSync() as Float32Array };
  });
}

test("sum over leading axes (bias gradients) and other axes matches cpu, with keepDims and odd row counts", async () => {
  const r = rng(5);
  const cases: [number[], number[]][] = [
    [[7, 5, 3, 6], [0, 1, 2]], // 105 rows: not a multiple of four
    [[8, 4, 4, 16], [2, 0, 1]], // axes in any order
    [[3, 4, 5], [-3, -2]], // negative axes
    [[1, 9], [0]],
    [[6, 5], [0]],
    [[4, 3, 5], [0, 2]], // includes the last axis: built-in kernel
    [[4, 3, 5], [1]],
  ];
  for (const [shape, axis] of cases) {
    for (const keepDims of [false, true]) {
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r() * 2 - 1);
      const [onCpu, onWasm] = [await sumOn("cpu", values, shape, axis, keepDims), await sumOn("wasm", values, shape, axis, keepDims)];
      const what = `shape ${shape} axes ${axis} keepDims ${keepDims}`;
      assert.deepEqual(onWasm.shape, onCpu.shape, what);
      for (let i = 0; i < onCpu.values.length; i++) {
        assert.ok(Math.abs(onWasm.values[i] - onCpu.values[i]) <= 1e-5 * Math.max(1, Math.abs(onCpu.values[i])), `${what}: element ${i}`);
      }
    }
  }
});

test("int32 sums over leading axes keep their dtype on wasm", async () => {
  await tf.setBackend("wasm");
  const s = tf.sum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], "int32"), 0);
  assert.equal(s.dtype, "int32");
  assert.deepEqual(Array.from(s.dataSync()), [9, 12]);
  s.dispose();
});
