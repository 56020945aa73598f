import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { LoRADense, addLoRA, mergeLoRA } from "../src/lora";
import { buildViT } from "../src/attention";
import { parameterCounts } from "../src/transfer";
import { buildGPT, nextTokenBatch, trainStep } from "../src/gpt";

const data = (m: tf.Tensor | tf.Tensor[]) => Array.from((m as tf.Tensor).dataSync());
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

function trainedDense(): tf.layers.Layer {
  const dense = tf.layers.dense({ units: 3, name: "proj" });
  dense.apply(tf.zeros([1, 4]));
  dense.setWeights([tf.randomNormal([4, 3], 0, 1, "float32", 1), tf.tensor1d([0.5, -1, 2])]);
  return dense;
}

test("a LoRA layer starts out exactly equal to the frozen layer", () => {
  const dense = trainedDense();
  const lora = LoRADense.fromDense(dense, 2, 4, 9);
  const x = tf.randomNormal([5, 4], 0, 1, "float32", 2);
  assert.deepEqual(data(lora.apply(x) as tf.Tensor), data(dense.apply(x) as tf.Tensor));
});

test("only A and B are trainable, and only they change in training", async () => {
  const x = tf.input({ shape: [4] });
  const lora = LoRADense.fromDense(trainedDense(), 2, 2, 3);
  const model = tf.model({ inputs: x, outputs: lora.apply(x) as tf.SymbolicTensor });
  assert.deepEqual(model.trainableWeights.map((w) => w.shape), [[4, 2], [2, 3]], "A is (in, r), B is (r, units)");
  assert.deepEqual(parameterCounts(model), { trainable: 4 * 2 + 2 * 3, total: 4 * 2 + 2 * 3 + 4 * 3 + 3 });
  const before = model.getWeights().map((w) => data(w)); // [A, B, W, b]
  assert.ok(before[1].every((v) => v === 0), "B starts at zero");
  model.compile({ optimizer: tf.train.adam(0.05), loss: "meanSquaredError" });
  await model.fit(tf.randomNormal([16, 4], 0, 1, "float32", 4), tf.randomNormal([16, 3], 0, 1, "float32", 5), { epochs: 5, verbose: 0 });
  const after = model.getWeights().map((w) => data(w));
  assert.ok(maxDiff(after[0], before[0]) > 1e-3, "A changed");
  assert.ok(maxDiff(after[1], before[1]) > 1e-3, "B changed");
  assert.deepEqual(after[2], before[2], "W frozen");
  assert.deepEqual(after[3], before[3], "b frozen");
});

test("merging gives one Dense weight W + (α/r)·A·B with the same output", () => {
  const lora = LoRADense.fromDense(trainedDense(), 2, 6, 3); // scale 3
  const x = tf.randomNormal([5, 4], 0, 1, "float32", 6);
  lora.apply(x);
  const [A, B, W, b] = lora.getWeights();
  const newB = tf.randomNormal([2, 3], 0, 1, "float32", 7);
  lora.setWeights([A, newB, W, b]);
  const { kernel } = lora.merged();
  const expected = tf.add(W, tf.matMul(A, newB).mul(3)); // independent of merged(): the formula itself
  assert.ok(maxDiff(data(kernel), data(expected)) < 1e-5);
  assert.ok(maxDiff(data(tf.matMul(x, kernel).add(b)), data(lora.apply(x) as tf.Tensor)) < 1e-4);
});

test("an activation is kept: wrapping a gelu layer starts equal and merges back", () => {
  const dense = tf.layers.dense({ units: 3, activation: "gelu" });
  const x = tf.randomNormal([5, 4], 0, 1, "float32", 12);
  const expected = data(dense.apply(x) as tf.Tensor);
  const lora = LoRADense.fromDense(dense, 2, 2, 1);
  assert.deepEqual(data(lora.apply(x) as tf.Tensor), expected);
  const [A, , W, b] = lora.getWeights();
  lora.setWeights([A, tf.randomNormal([2, 3], 0, 1, "float32", 13), W, b]);
  const { kernel, bias } = lora.merged();
  const byHand = tf.layers.dense({ units: 3, activation: "gelu", weights: [kernel, bias] }).apply(x) as tf.Tensor;
  assert.ok(maxDiff(data(byHand), data(lora.apply(x) as tf.Tensor)) < 1e-5);
  assert.ok(maxDiff(data(byHand), expected) > 1e-3);
});

test("addLoRA on a ViT: same outputs at start, small trainable fraction, merge back to plain Dense", () => {
  const vit = buildViT({ imageSize: 8, channels: 1, patchSize: 4, dim: 16, depth: 2, heads: 2, mlpDim: 32, classes: 4 });
  const x = tf.randomUniform([3, 8, 8, 1], 0, 1, "float32", 8);
  const adapted = addLoRA(vit, { rank: 2, seed: 1, target: (l) => /_(query|value)$/.test(l.name), trainable: ["head"] });
  assert.ok(maxDiff(data(adapted.predict(x)), data(vit.predict(x))) < 1e-6);
  const loraLayers = adapted.layers.filter((l) => l instanceof LoRADense).map((l) => l.name);
  assert.deepEqual(loraLayers, ["block0_query", "block0_value", "block1_query", "block1_value"]);
  const { trainable } = parameterCounts(adapted);
  assert.equal(trainable, 4 * (16 * 2 + 2 * 16) + 16 * 4 + 4, "adapters + head only");

  // Give the adapters a non-zero update, then merge: outputs must agree and no LoRA layer is left.
  for (const l of adapted.layers.filter((l) => l instanceof LoRADense)) {
    const [A, , W, b] = l.getWeights();
    l.setWeights([A, tf.randomNormal([2, 16], 0, 0.5, "float32", 9), W, b]);
  }
  const merged = mergeLoRA(adapted);
  assert.ok(maxDiff(data(merged.predict(x)), data(adapted.predict(x))) < 1e-5);
  assert.ok(maxDiff(data(merged.predict(x)), data(vit.predict(x))) > 1e-4, "the update is really there");
  assert.ok(!merged.layers.some((l) => l instanceof LoRADense));
});

test("addLoRA on a GPT reaches the attention's Q/K/V/O projections; the adapted model stays causal and trains only adapters", () => {
  const gpt = buildGPT({ vocabSize: 8, contextLength: 8, dim: 16, depth: 2, heads: 2, mlpDim: 32, seed: 2 });
  const tokens = tf.tensor2d([[1, 2, 3, 4, 5, 6]], undefined, "int32");
  const adapted = addLoRA(gpt, { rank: 2, alpha: 4, seed: 1, target: (l) => /_(query|key|value|out)$/.test(l.name) });
  assert.ok(maxDiff(data(adapted.predict(tokens)), data(gpt.predict(tokens))) < 1e-6, "B = 0: the same model at the start");
  const wrapped = adapted.layers.filter((l) => l instanceof LoRADense).map((l) => l.name);
  const expected = [0, 1].flatMap((b) => ["query", "key", "value", "out"].map((p) => `block${b}_${p}`));
  assert.deepEqual([...wrapped].sort(), expected.sort());
  assert.equal(parameterCounts(adapted).trainable, 8 * (16 * 2 + 2 * 16), "8 adapters of A (16×2) and B (2×16)");
  assert.equal(parameterCounts(adapted).total, parameterCounts(gpt).total + 8 * (16 * 2 + 2 * 16));

  const frozen = adapted.layers.filter((l) => !(l instanceof LoRADense)).flatMap((l) => l.getWeights().map(data));
  const optimizer = tf.train.adam(0.02);
  const sequence = Array.from({ length: 100 }, (_, i) => (i * 3) % 8);
  for (let step = 0; step < 5; step++) trainStep(adapted, optimizer, nextTokenBatch(sequence, [0, 10, 20, 30], 8));
  assert.deepEqual(adapted.layers.filter((l) => !(l instanceof LoRADense)).flatMap((l) => l.getWeights().map(data)), frozen, "only A and B moved");
  const later = (t: number[]) => data((adapted.predict(tf.tensor2d([t], undefined, "int32")) as tf.Tensor).slice([0, 0, 0], [1, 3, 8]));
  assert.ok(maxDiff(later([1, 2, 3, 4, 5, 6]), later([1, 2, 3, 0, 0, 0])) < 1e-5, "the adapted model is still causal");
  assert.ok(maxDiff(data(adapted.predict(tokens)), data(gpt.predict(tokens))) > 1e-4, "training changed the adapters' output");
});
