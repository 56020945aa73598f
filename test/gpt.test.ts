// The decoder-only model on the wasm backend (with the course's kernels), as the notebook trains it.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { TokenEmbedding, buildGPT, evaluateLoss, generate, nextTokenBatch, nextTokenLoss, randomStarts, trainStep } from "../src/gpt";
import { makeSampler } from "../src/sampling";
import { seededRandom } from "../src/seeded-random";

before(async () => {
  delete process.env.TFJS_BACKEND;
  await initBackend({ backend: "wasm", quiet: true });
});

const TINY = { vocabSize: 8, contextLength: 8, dim: 16, depth: 2, heads: 2, mlpDim: 32, seed: 1 };
const logitsOf = (model: tf.LayersModel, tokens: number[][]) => model.predict(tf.tensor2d(tokens, undefined, "int32")) as tf.Tensor;

test("a GPT maps (B, N) tokens to (B, N, vocab) logits for any N up to its context length", () => {
  const model = buildGPT(TINY);
  assert.deepEqual(logitsOf(model, [[1, 2, 3, 4, 5], [0, 0, 0, 0, 0]]).shape, [2, 5, 8]);
  assert.deepEqual(logitsOf(model, [[1, 2]]).shape, [1, 2, 8]);
  assert.throws(() => logitsOf(model, [Array.from({ length: 9 }, (_, i) => i % 8)]), /exceed the context length 8/);
  const names = model.layers.map((l) => l.name);
  for (const name of ["token_embedding", "position_embedding", "block0_query", "block1_out", "final_norm", "head"]) assert.ok(names.includes(name), name);
});

test("the whole model is causal: logits at positions ≤ t ignore the tokens after t", () => {
  const model = buildGPT(TINY);
  const a = logitsOf(model, [[1, 2, 3, 4, 5, 6]]).slice([0, 0, 0], [1, 3, 8]);
  const b = logitsOf(model, [[1, 2, 3, 7, 0, 7]]).slice([0, 0, 0], [1, 3, 8]);
  assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-5);
  const later = tf.sub(logitsOf(model, [[1, 2, 3, 4, 5, 6]]).slice([0, 3, 0], [1, 1, 8]), logitsOf(model, [[1, 2, 3, 7, 0, 7]]).slice([0, 3, 0], [1, 1, 8]));
  assert.ok(tf.max(tf.abs(later)).dataSync()[0] > 1e-4, "position 3 does see its own token");
});

test("the token embedding is a lookup: row id of its table", () => {
  const layer = new TokenEmbedding({ vocabSize: 5, dim: 3 });
  const ids = tf.tensor2d([[4, 0, 2], [2, 2, 1]], undefined, "int32");
  const out = layer.apply(ids) as tf.Tensor;
  assert.deepEqual(out.shape, [2, 3, 3]);
  const table = layer.getWeights()[0];
  assert.deepEqual(Array.from(out.dataSync()), Array.from(tf.gather(table, ids.flatten()).dataSync()));
});

test("a GPT survives a save/load round trip through its JSON config", async () => {
  const model = buildGPT(TINY);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  const tokens = [[3, 1, 4, 1, 5, 1, 2]];
  assert.deepEqual(Array.from(logitsOf(loaded, tokens).dataSync()), Array.from(logitsOf(model, tokens).dataSync()));
});

test("a seeded GPT is built with the same weights every time", () => {
  const weights = (seed: number) => buildGPT({ ...TINY, seed }).getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(weights(4), weights(4));
  assert.notDeepEqual(weights(4), weights(5));
});

test("next-token batches: targets are the inputs shifted by one; the loss mask follows the targets", () => {
  const tokens = [10, 11, 12, 13, 14, 15, 16, 17, 18];
  const { x, y, mask } = nextTokenBatch(tokens, [0, 3], 4);
  assert.deepEqual(x.arraySync(), [[10, 11, 12, 13], [13, 14, 15, 16]]);
  assert.deepEqual(y.arraySync(), [[11, 12, 13, 14], [14, 15, 16, 17]]);
  assert.equal(mask, undefined);
  const flags = [0, 0, 0, 1, 1, 0, 0, 1, 1]; // e.g. prompt tokens 0, response tokens 1
  assert.deepEqual(nextTokenBatch(tokens, [2], 4, flags).mask!.arraySync(), [[1, 1, 0, 0]]);
  assert.throws(() => nextTokenBatch(tokens, [5], 4), /does not fit/);
  const starts = randomStarts(tokens.length, 4, 200, seededRandom(1));
  assert.ok(starts.every((s) => s >= 0 && s + 5 <= tokens.length));
  assert.deepEqual(new Set(starts), new Set([0, 1, 2, 3, 4]), "every start that fits is drawn");
});

test("the loss is softmax cross-entropy: ln V for uniform logits, −log p(target) by hand, a masked mean with a mask", () => {
  assert.ok(Math.abs(nextTokenLoss(tf.zeros([2, 3, 5]), tf.zeros([2, 3], "int32")).dataSync()[0] - Math.log(5)) < 1e-6);
  const rows = [[2, 0, -1], [0.5, 0.5, 3]];
  const targets = [0, 1];
  const nll = rows.map((z, i) => Math.log(z.reduce((a, v) => a + Math.exp(v), 0)) - z[targets[i]]);
  const logits = tf.tensor3d([rows]);
  const y = tf.tensor2d([targets], undefined, "int32");
  assert.ok(Math.abs(nextTokenLoss(logits, y).dataSync()[0] - (nll[0] + nll[1]) / 2) < 1e-5);
  assert.ok(Math.abs(nextTokenLoss(logits, y, tf.tensor2d([[0, 1]])).dataSync()[0] - nll[1]) < 1e-5);
});

test("a tiny GPT learns a repeating sequence on wasm, then continues it greedily", () => {
  const tokens = Array.from({ length: 400 }, (_, i) => i % 8); // 0 1 2 … 7 0 1 …
  const model = buildGPT(TINY);
  const optimizer = tf.train.adam(0.01);
  const random = seededRandom(2);
  const held = [nextTokenBatch(tokens, [5, 101, 250], 8)];
  const before = evaluateLoss(model, held);
  assert.ok(Math.abs(before - Math.log(8)) < 0.5, `an untrained model is close to uniform: ${before}`);
  const losses: number[] = [];
  const tensorCounts: number[] = [];
  for (let step = 0; step < 60; step++) {
    const batch = nextTokenBatch(tokens, randomStarts(tokens.length, 8, 8, random), 8);
    losses.push(trainStep(model, optimizer, batch));
    tf.dispose([batch.x, batch.y]);
    tensorCounts.push(tf.memory().numTensors);
  }
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(new Set(tensorCounts.slice(1)).size, 1, "a training step leaks no tensors");
  const after = evaluateLoss(model, held);
  assert.ok(after < 0.2 * before, `held-out loss fell from ${before} to ${after} (training: ${losses[0]} → ${losses[losses.length - 1]})`);
  assert.deepEqual(generate(model, [3, 4, 5], 12, 8, makeSampler({ temperature: 0 })), [6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1]);
  // stop ends generation right after the token that satisfies it.
  assert.deepEqual(generate(model, [3, 4, 5], 12, 8, makeSampler({ temperature: 0 }), (g) => g[g.length - 1] === 1), [6, 7, 0, 1]);
});

test("with a loss mask only the counted targets are learned", () => {
  // Even positions hold 0, odd ones a random token 1..7. A 0 always follows a random token (predictable), but the
  // mask counts only the random tokens. Trained with the mask, a model must not learn the predictable 0s.
  const random = seededRandom(9);
  const tokens = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 0 : 1 + Math.floor(random() * 7)));
  const flags = tokens.map((_, i) => i % 2);
  const zerosOnly = flags.map((f) => 1 - f);
  const lossOnZeros = (useMask: boolean) => {
    const model = buildGPT({ ...TINY, seed: 3 });
    const optimizer = tf.train.adam(0.01);
    const draw = seededRandom(4);
    for (let step = 0; step < 30; step++) trainStep(model, optimizer, nextTokenBatch(tokens, randomStarts(tokens.length, 8, 8, draw), 8, useMask ? flags : undefined));
    return evaluateLoss(model, [nextTokenBatch(tokens, [0, 100, 200], 8, zerosOnly)]);
  };
  const [masked, unmasked] = [lossOnZeros(true), lossOnZeros(false)];
  assert.ok(unmasked < 0.3 && masked > 1, `loss on the uncounted 0s: ${masked} with the mask, ${unmasked} without`);
});
