import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { dequantizeInt8, formatBytes, quantizeInt8, quantizedCopy, weightMemory } from "../src/quantize";
import { seededRandom } from "../src/seeded-random";
import { buildGPT } from "../src/gpt";

const randomWeights = (n: number, seed: number, spread = 1) => {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * spread);
};

test("int8 by hand: scale = max|w| / 127, q = round(w / scale), the largest weight is exact and 0 stays 0", () => {
  const { q, scales } = quantizeInt8(Float32Array.of(0.5, -1, 0, 0.25, 2, -0.01), [2, 3]);
  assert.deepEqual(Array.from(scales), [Math.fround(1 / 127), Math.fround(2 / 127)]);
  assert.deepEqual(Array.from(q), [64, -127, 0, 16, 127, -1]); // 0.5 / (1/127) = 63.5 rounds to 64; −0.01 / (2/127) = −0.635 rounds to −1
  const back = dequantizeInt8(quantizeInt8(Float32Array.of(0.5, -1, 0, 0.25, 2, -0.01), [2, 3]));
  assert.equal(back[1], -1);
  assert.equal(back[2], 0);
  assert.equal(back[4], Math.fround(127 * Math.fround(2 / 127)));
});

test("the round-trip error is at most half a step, |w − deq(q(w))| ≤ scale / 2, per row and per tensor", () => {
  const rows = 16;
  const cols = 40;
  const w = randomWeights(rows * cols, 3);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] *= 1 + r; // rows of very different ranges
  for (const granularity of ["row", "tensor"] as const) {
    const quantized = quantizeInt8(w, [rows, cols], granularity);
    const back = dequantizeInt8(quantized);
    assert.equal(quantized.scales.length, granularity === "row" ? rows : 1);
    w.forEach((v, i) => {
      const scale = quantized.scales[granularity === "row" ? Math.floor(i / cols) : 0];
      assert.ok(Math.abs(v - back[i]) <= scale / 2 + 1e-7 * Math.abs(v), `${granularity} ${i}: ${v} → ${back[i]}, scale ${scale}`);
    });
    assert.ok(quantized.q.every((x) => x >= -127 && x <= 127));
  }
  // Per row, the small rows keep their own fine steps, so the mean error is smaller than with one scale.
  const meanError = (g: "row" | "tensor") => dequantizeInt8(quantizeInt8(w, [rows, cols], g)).reduce((a, v, i) => a + Math.abs(v - w[i]), 0) / w.length;
  assert.ok(meanError("row") < 0.7 * meanError("tensor"));
});

test("an all-zero row quantizes to zeros without dividing by zero", () => {
  const back = dequantizeInt8(quantizeInt8(Float32Array.of(0, 0, 1, -1), [2, 2]));
  assert.deepEqual(Array.from(back), [0, 0, 1, -1]);
});

test("quantizedCopy rounds the matrices of a copy, leaves biases and the original alone, and barely moves the output", () => {
  const input = tf.input({ shape: [12] });
  const hidden = tf.layers.dense({ units: 24, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.constant({ value: 0.1 }) });
  const out = tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) });
  const model = tf.model({ inputs: input, outputs: out.apply(hidden.apply(input)) as tf.SymbolicTensor });
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const { model: copy, quantizedParameters, keptParameters, maxAbsError } = quantizedCopy(model);
  assert.equal(quantizedParameters, 12 * 24 + 24 * 5);
  assert.equal(keptParameters, 24 + 5);
  assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), before, "the original is untouched");
  const after = copy.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(after[1], before[1], "biases are kept in float32");
  assert.notDeepEqual(after[0], before[0], "kernels are rounded");
  const largest = Math.max(...before[0].map(Math.abs), ...before[2].map(Math.abs));
  assert.ok(maxAbsError > 0 && maxAbsError <= largest / 127 / 2 + 1e-7);
  const x = tf.randomNormal([8, 12], 0, 1, "float32", 4);
  const drift = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor))).dataSync()[0];
  assert.ok(drift > 0 && drift < 0.05, `output drift ${drift}`);
});

test("memory arithmetic: parameters × bytes per parameter", () => {
  assert.deepEqual(weightMemory(7e9), { fp32: 28e9, fp16: 14e9, int8: 7e9, int4: 3.5e9 });
  assert.deepEqual(["512 B", "1.50 KB", "124 MB", "14.0 GB"], [512, 1500, 124e6, 14e9].map(formatBytes));
});

test("quantizedCopy on a GPT: every matrix (embeddings, position table, projections, head) is rounded, the rest kept", () => {
  const gpt = buildGPT({ vocabSize: 10, contextLength: 6, dim: 8, depth: 1, heads: 2, mlpDim: 16, seed: 1 });
  const { model, quantizedParameters, keptParameters } = quantizedCopy(gpt);
  // token 10×8, positions 6×8, query/key/value/out 4×8×8, mlp 8×16 + 16×8, head 8×10
  assert.equal(quantizedParameters, 80 + 48 + 256 + 256 + 80);
  // biases 4×8 + 16 + 8 + 10; LayerNorm γ and β: 2 in the block and the final one, 8 each
  assert.equal(keptParameters, 32 + 16 + 8 + 10 + 3 * 2 * 8);
  const tokens = tf.tensor2d([[1, 2, 3, 4, 5, 6]], undefined, "int32");
  const drift = tf.max(tf.abs(tf.sub(gpt.predict(tokens) as tf.Tensor, model.predict(tokens) as tf.Tensor))).dataSync()[0];
  assert.ok(drift > 0 && drift < 0.05, `logit drift ${drift}`);
});
