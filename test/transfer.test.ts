import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cloneModel, fitWithLayerRates, freshCopy, parameterCounts, replaceHead, setTrainable } from "../src/transfer";

/** input(4) → dense "base"(6, relu) → dense "middle"(5, relu) → dense "out"(3, softmax) */
function smallNet(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 6, activation: "relu", name: "base", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 5, activation: "relu", name: "middle", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return m;
}

const xs = tf.randomNormal([32, 4], 0, 1, "float32", 11);
const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), "int32"), 3);
const values = (m: tf.LayersModel, name: string) => Array.from(m.getLayer(name).getWeights()[0].dataSync());
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

test("cloneModel predicts the same and trains independently", async () => {
  const original = smallNet();
  const copy = cloneModel(original);
  assert.ok(maxDiff(Array.from((copy.predict(xs) as tf.Tensor).dataSync()), Array.from((original.predict(xs) as tf.Tensor).dataSync())) < 1e-6);
  const before = values(original, "base");
  copy.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
  await copy.fit(xs, ys, { epochs: 3, verbose: 0 });
  assert.deepEqual(values(original, "base"), before);
  assert.ok(maxDiff(values(copy, "base"), before) > 1e-4);
});

test("freshCopy has the same architecture with new weights", () => {
  const trained = smallNet();
  trained.getLayer("base").setWeights([tf.fill([4, 6], 0.5), tf.fill([6], 0.1)]);
  const fresh = freshCopy(trained);
  assert.deepEqual(["base", "middle", "out"].map((n) => fresh.getLayer(n).getWeights().map((w) => w.shape)), ["base", "middle", "out"].map((n) => trained.getLayer(n).getWeights().map((w) => w.shape)));
  assert.ok(maxDiff(values(fresh, "base"), values(trained, "base")) > 0.01, "weights were not copied");
});

test("frozen layers keep their weights through training; the others change", async () => {
  const m = smallNet();
  setTrainable(m, ["base", "middle"], false);
  assert.deepEqual(parameterCounts(m), { trainable: 5 * 3 + 3, total: 4 * 6 + 6 + 6 * 5 + 5 + 5 * 3 + 3 });
  m.compile({ optimizer: tf.train.adam(0.05), loss: "categoricalCrossentropy" });
  const [base, middle, out] = ["base", "middle", "out"].map((n) => values(m, n));
  await m.fit(xs, ys, { epochs: 5, batchSize: 8, verbose: 0 });
  assert.deepEqual(values(m, "base"), base);
  assert.deepEqual(values(m, "middle"), middle);
  assert.ok(maxDiff(values(m, "out"), out) > 1e-3);
});

test("replaceHead swaps the last layer and keeps the base", () => {
  const original = smallNet();
  const swapped = replaceHead(original, 7);
  assert.deepEqual((swapped.predict(xs) as tf.Tensor).shape, [32, 7]);
  assert.equal(swapped.layers[swapped.layers.length - 1].name, "head");
  assert.deepEqual(values(swapped, "middle"), values(original, "middle"));
  assert.deepEqual((original.predict(xs) as tf.Tensor).shape, [32, 3], "the original keeps its head");
});

test("replaceHead after a named layer drops everything above it and feeds the head that layer's output", () => {
  const original = smallNet();
  const cut = replaceHead(original, 2, 1, "base");
  assert.deepEqual(cut.layers.map((l) => l.name).filter((n) => n !== "base_input" && !n.startsWith("input")), ["base", "head"]);
  assert.deepEqual((cut.predict(xs) as tf.Tensor).shape, [32, 2]);
  assert.equal(cut.countParams(), 4 * 6 + 6 + (6 * 2 + 2));
  assert.deepEqual(values(cut, "base"), values(original, "base"));
  const conv = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, name: "conv" }), tf.layers.flatten({ name: "flat" }), tf.layers.dense({ units: 3 })] });
  assert.throws(() => replaceHead(conv, 2, 1, "conv"), /output of "conv" has shape \[,2,2,2\]; a Dense head needs \(batch, features\)/);
  assert.deepEqual((replaceHead(conv, 2, 1, "flat").predict(tf.zeros([5, 4, 4, 1])) as tf.Tensor).shape, [5, 2]);
});

test("per-layer learning rates: each layer moves by its own rate × its gradient", async () => {
  const m = smallNet();
  const rates: Record<string, number> = { base: 0, middle: 0.01, out: 0.1 };
  // Expected first SGD step, computed independently: gradient of the batch loss at the starting weights.
  const reference = cloneModel(m);
  const vars = reference.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.metrics.categoricalCrossentropy(ys, reference.apply(xs) as tf.Tensor).mean() as tf.Scalar, vars);
  const kernelGrad = (layer: string) => Array.from(grads[(reference.getLayer(layer).getWeights()[0] as tf.Variable).name].dataSync());
  const before = Object.fromEntries(Object.keys(rates).map((n) => [n, values(m, n)]));

  await fitWithLayerRates(m, xs, ys, { rateOf: (l) => rates[l.name], epochs: 1, batchSize: 32, seed: 1, makeOptimizer: (lr) => tf.train.sgd(lr) });

  assert.deepEqual(values(m, "base"), before.base, "rate 0 leaves the layer alone");
  for (const name of ["middle", "out"]) {
    const expected = before[name].map((w, i) => w - rates[name] * kernelGrad(name)[i]);
    assert.ok(maxDiff(values(m, name), expected) < 1e-5, `${name} moved by ${rates[name]} × gradient`);
  }
});

test("fitWithLayerRates reduces the loss with Adam", async () => {
  const m = smallNet();
  const h = await fitWithLayerRates(m, xs, ys, { rateOf: (_l, i) => (i === 0 ? 0.001 : 0.02), epochs: 30, batchSize: 8, seed: 3 });
  assert.equal(h.loss.length, 30);
  assert.ok(h.loss[29] < h.loss[0] * 0.7, `loss ${h.loss[0]} → ${h.loss[29]}`);
});
