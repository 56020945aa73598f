import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { LayerNorm, MultiHeadAttention, PatchEmbedding, buildViT, causalMask, scaledDotProductAttention } from "../src/attention";

const close = (a: number[], b: number[], tol = 1e-5) => a.every((x, i) => Math.abs(x - b[i]) < tol) && a.length === b.length;

test("scaled dot-product attention matches a small example worked by hand", () => {
  // Q = K = I₂, V = [[1,2],[3,4]]: scores = I/√2, so each row gives weight σ(1/√2) to its own key.
  const q = tf.tensor2d([[1, 0], [0, 1]]);
  const v = tf.tensor2d([[1, 2], [3, 4]]);
  const { output, weights } = scaledDotProductAttention(q, q, v);
  const w = Math.exp(1 / Math.SQRT2) / (Math.exp(1 / Math.SQRT2) + 1);
  assert.ok(close(Array.from(weights.dataSync()), [w, 1 - w, 1 - w, w]));
  assert.ok(close(Array.from(output.dataSync()), [w * 1 + (1 - w) * 3, w * 2 + (1 - w) * 4, (1 - w) * 1 + w * 3, (1 - w) * 2 + w * 4]));
});

test("attention weights are (B, heads, N, N) and each row sums to 1", () => {
  const x = tf.randomNormal([2, 5, 8], 0, 1, "float32", 3);
  const { output, weights } = new MultiHeadAttention({ heads: 2 }).attend([x, x, x]);
  assert.deepEqual(output.shape, [2, 5, 8]);
  assert.deepEqual(weights.shape, [2, 2, 5, 5]);
  assert.ok(close(Array.from(weights.sum(-1).dataSync()), new Array(20).fill(1)));
  assert.ok(weights.min().dataSync()[0] >= 0);
});

test("each head attends on its own slice of the features", () => {
  // With one head, the result must equal plain attention; with two heads, head h only sees features of slice h.
  const x = tf.randomNormal([1, 4, 6], 0, 1, "float32", 5);
  const one = new MultiHeadAttention({ heads: 1 }).attend([x, x, x]).output;
  assert.ok(close(Array.from(one.dataSync()), Array.from(scaledDotProductAttention(x, x, x).output.dataSync())));
  const two = new MultiHeadAttention({ heads: 2 }).attend([x, x, x]).output;
  const firstHalf = x.slice([0, 0, 0], [1, 4, 3]);
  const expected = scaledDotProductAttention(firstHalf, firstHalf, firstHalf).output;
  assert.ok(close(Array.from(two.slice([0, 0, 0], [1, 4, 3]).dataSync()), Array.from(expected.dataSync())));
});

test("LayerNorm agrees with tf.layers.layerNormalization and normalises each token", () => {
  const x = tf.randomNormal([2, 3, 6], 2, 3, "float32", 4);
  const ours = new LayerNorm({}).apply(x) as tf.Tensor;
  const reference = tf.layers.layerNormalization({ epsilon: 1e-5 }).apply(x) as tf.Tensor;
  assert.ok(close(Array.from(ours.dataSync()), Array.from(reference.dataSync()), 1e-4));
  const { mean, variance } = tf.moments(ours, -1);
  assert.ok(close(Array.from(mean.dataSync()), new Array(6).fill(0), 1e-5));
  assert.ok(close(Array.from(variance.dataSync()), new Array(6).fill(1), 1e-3));
});

test("patch embedding cuts patches in reading order", () => {
  // A 4×4 image holding 0..15 cut into 2×2 patches; with an identity projection each token is its patch.
  const layer = new PatchEmbedding({ patchSize: 2, dim: 4 });
  const image = tf.range(0, 16).reshape([1, 4, 4, 1]);
  layer.apply(image); // builds the weights
  layer.setWeights([tf.eye(4), tf.zeros([4]), tf.zeros([4, 4])]);
  const tokens = layer.apply(image) as tf.Tensor;
  assert.deepEqual(tokens.shape, [1, 4, 4]);
  assert.deepEqual(Array.from(tokens.dataSync()), [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
});

test("a tiny ViT has the expected output shape and learns a small batch", async () => {
  const vit = buildViT({ imageSize: 8, channels: 1, patchSize: 4, dim: 16, depth: 1, heads: 2, mlpDim: 32, classes: 2 });
  const xs = tf.concat([tf.zeros([8, 8, 8, 1]), tf.ones([8, 8, 8, 1])]); // class 0 dark, class 1 bright
  const ys = tf.oneHot(tf.tensor1d([...new Array(8).fill(0), ...new Array(8).fill(1)], "int32"), 2);
  assert.deepEqual((vit.predict(xs) as tf.Tensor).shape, [16, 2]);
  vit.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  const h = await vit.fit(xs, ys, { epochs: 30, batchSize: 16, verbose: 0 });
  const loss = h.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0] / 4, `loss fell from ${loss[0]} to ${loss[loss.length - 1]}`);
});

test("a seeded ViT is built with the same weights every time", () => {
  const config = { imageSize: 8, channels: 1, patchSize: 4, dim: 8, depth: 2, heads: 2, mlpDim: 8, classes: 3, seed: 5 };
  const a = buildViT(config).getWeights().map((w) => Array.from(w.dataSync()));
  const b = buildViT(config).getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, buildViT({ ...config, seed: 6 }).getWeights().map((w) => Array.from(w.dataSync())));
});

test("a ViT survives a save/load round trip through its JSON config", async () => {
  const vit = buildViT({ imageSize: 8, channels: 1, patchSize: 4, dim: 8, depth: 1, heads: 2, mlpDim: 8, classes: 3 });
  const x = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 1);
  let saved: tf.io.ModelArtifacts | undefined;
  await vit.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.ok(close(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((vit.predict(x) as tf.Tensor).dataSync())));
});

test("the causal mask is 0 on and below the diagonal and −∞ above it", () => {
  assert.deepEqual(Array.from(causalMask(3).dataSync()), [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
});

test("causal attention: weights above the diagonal are exactly zero, rows sum to 1, and row 0 attends only to itself", () => {
  const x = tf.randomNormal([2, 2, 5, 4], 0, 1, "float32", 11); // (B, heads, N, d)
  const w = scaledDotProductAttention(x, x, x, { causal: true }).weights.arraySync() as number[][][][];
  for (const head of w.flat()) {
    head.forEach((row, t) => {
      row.slice(t + 1).forEach((weight) => assert.equal(weight, 0));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    });
    assert.equal(head[0][0], 1);
  }
});

test("causal multi-head attention: position t's output does not change when the tokens after t change", () => {
  const n = 6;
  const t = 2;
  const x = tf.randomNormal([1, n, 8], 0, 1, "float32", 12);
  const changed = tf.concat([x.slice([0, 0, 0], [1, t + 1, 8]), tf.randomNormal([1, n - t - 1, 8], 0, 1, "float32", 13)], 1);
  const causal = new MultiHeadAttention({ heads: 2, causal: true });
  const upToT = (input: tf.Tensor) => Array.from(causal.attend([input, input, input]).output.slice([0, 0, 0], [1, t + 1, 8]).dataSync());
  assert.deepEqual(upToT(changed), upToT(x));
  // The same change does reach position t without the mask, so the check above can fail.
  const full = new MultiHeadAttention({ heads: 2 });
  const fullAt = (input: tf.Tensor) => Array.from(full.attend([input, input, input]).output.slice([0, t, 0], [1, 1, 8]).dataSync());
  assert.ok(!close(fullAt(changed), fullAt(x)));
});

test("the causal option is off by default and kept in the layer's config only when on", () => {
  assert.equal(new MultiHeadAttention({ heads: 2 }).causal, false);
  assert.ok(!("causal" in new MultiHeadAttention({ heads: 2 }).getConfig()));
  assert.equal(new MultiHeadAttention({ heads: 2, causal: true }).getConfig().causal, true);
});
