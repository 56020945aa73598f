// The demo's promise, checked in Node: digits drawn by hand as strokes (test/fixtures/demo-strokes.json, the
// demo's 280 px pad and 20 px pen) go through the page's own preprocessing (scripts/site/assets/
// mnist-preprocess.js: the 20 px box and centre of mass, as MNIST was made) into a course CNN trained on MNIST
// here; at least 9 of the 10 must be read right.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { loadDigits } from "../src/datasets";
import { oneHot, toImageTensor } from "../src/dataset-tensors";
import { buildLeNet5 } from "../src/models";
import { trainWithProgress } from "../src/train";
import { PAD, drawStroke, preprocess } from "./site-digits";

const STROKES = path.join(__dirname, "fixtures/demo-strokes.json");

test("hand-drawn strokes of 0–9, preprocessed as the demo does, are read right by an MNIST CNN (≥ 9 of 10)", async (t) => {
  const digits = await loadDigits();
  if (digits.name !== "mnist") return t.skip(`real MNIST is not in the cache (${digits.name}); run npm run data`);
  await initBackend({ quiet: true });
  const model = buildLeNet5({ seed: 1 });
  const [x, y] = [toImageTensor(digits.train.images), oneHot(digits.train.labels, 10)];
  await trainWithProgress(model, x, y, { epochs: 1, batchSize: 128, learningRate: 3e-3, seed: 1, progress: "none" });
  tf.dispose([x, y]);

  const drawn = JSON.parse(fs.readFileSync(STROKES, "utf8")).digits as Record<string, [number, number][][]>;
  assert.deepEqual(Object.keys(drawn).sort(), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  const read = Object.entries(drawn).map(([label, strokes]) => {
    const pad = new Float32Array(PAD * PAD);
    for (const stroke of strokes) drawStroke(stroke, 10).forEach((v, i) => (pad[i] = Math.max(pad[i], v)));
    const input = preprocess.toMnist(pad, PAD, PAD);
    assert.ok(input, `digit ${label}: the preprocessing found no ink`);
    const p = tf.tidy(() => (model.predict(tf.tensor4d(input, [1, 28, 28, 1])) as tf.Tensor).dataSync());
    const best = p.indexOf(Math.max(...p));
    return { label, best: String(best), confidence: p[best] };
  });
  model.dispose();
  const summary = read.map((r) => `${r.label}→${r.best} (${(100 * r.confidence).toFixed(0)}%)`).join(", ");
  t.diagnostic(summary);
  assert.ok(read.filter((r) => r.best === r.label).length >= 9, `fewer than 9 of 10 drawn digits read right: ${summary}`);
});
