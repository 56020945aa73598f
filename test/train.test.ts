// trainWithProgress on a tiny real problem: bright left half = class 0, bright right half = class 1.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { oneCycle, trainWithProgress } from "../src/train";

before(async () => {
  await tf.setBackend("cpu");
});

function halves(n: number) {
  const x = tf.tidy(() => {
    const left = tf.concat([tf.ones([14, 28, 1]), tf.zeros([14, 28, 1])], 0).transpose([1, 0, 2]); // bright columns 0..13
    const right = left.reverse(1);
    const noise = tf.randomUniform([n, 28, 28, 1], 0, 0.3, "float32", 5);
    return tf.stack(Array.from({ length: n }, (_, i) => (i % 2 ? right : left))).add(noise);
  });
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  return { x, labels };
}
const tinyModel = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, strides: 2, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });

test("learns the task; history has one entry per epoch; learning-rate schedule applied", async () => {
  const { x, labels } = halves(64);
  const y = tf.oneHot(labels, 2);
  const model = tinyModel();
  await trainWithProgress(model, x, y, { epochs: 1, progress: "none" }); // creates the weights and Adam's state
  const before = tf.memory().numTensors;
  const h = await trainWithProgress(model, x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, seed: 1, lrSchedule: (e) => 0.01 / (e + 1), progress: "none" });
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
  for (const key of ["loss", "acc", "valLoss", "valAcc", "lr", "epochSeconds"] as const) assert.equal(h[key].length, 3, key);
  assert.deepEqual(h.lr, [0.01, 0.005, 0.01 / 3]);
  assert.ok(h.valAcc[2] === 1, `val acc ${h.valAcc}`);
  assert.ok(h.loss[2] < h.loss[0]);
  assert.equal(h.stoppedEarly, false);
  assert.equal(h.bestEpoch, 3);
});

test("the schedule is called before every batch with the fractional epoch", async () => {
  const { x, labels } = halves(32);
  const y = tf.oneHot(labels, 2);
  const calls: number[] = [];
  await trainWithProgress(tinyModel(), x, y, { epochs: 2, batchSize: 8, lrSchedule: (e) => (calls.push(e), 0.01), progress: "none" });
  assert.deepEqual(calls, [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
});

test("oneCycle: warm-up from maxLr/25 to maxLr over the first 20%, then a cosine down to zero", () => {
  const lr = oneCycle(0.01, 10);
  assert.ok(Math.abs(lr(0) - 0.0004) < 1e-12);
  assert.ok(Math.abs(lr(1) - 0.0004 - 0.0096 / 2) < 1e-12, "halfway up at epoch 1 of a 2-epoch warm-up");
  assert.equal(lr(2), 0.01);
  assert.ok(Math.abs(lr(6) - 0.005) < 1e-12, "half the peak halfway down the cosine");
  assert.ok(lr(10) < 1e-12);
  for (let e = 2; e < 10; e += 0.5) assert.ok(lr(e + 0.5) < lr(e), `falls after the peak (${e})`);
});

test("early stopping: validation loss that only rises stops training and restores the best weights", async () => {
  const { x, labels } = halves(64);
  const y = tf.oneHot(labels, 2);
  const yWrong = tf.oneHot(labels.map((l) => 1 - l), 2); // the better it learns, the worse this gets
  const model = tinyModel();
  const h = await trainWithProgress(model, x, y, { epochs: 20, batchSize: 16, learningRate: 0.01, validationData: [x, yWrong], earlyStopping: { patience: 2 }, progress: "none" });
  assert.equal(h.stoppedEarly, true);
  assert.equal(h.bestEpoch, 1);
  assert.equal(h.loss.length, 3);
  const [valLoss] = (model.evaluate(x, yWrong) as tf.Scalar[]).map((t) => t.dataSync()[0]);
  assert.ok(Math.abs(valLoss - h.valLoss[0]) < 1e-5, "weights are those of epoch 1");
});

test("console mode prints one line per epoch and a summary", async () => {
  const { x, labels } = halves(16);
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    await trainWithProgress(tinyModel(), x, tf.oneHot(labels, 2), { epochs: 2, batchSize: 8, progress: "console", title: "tiny" });
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^tiny  epoch 1\/2  loss \d\.\d{4}  acc/);
  assert.match(lines[2], /^tiny  done: 2 epochs/);
});
