// Baselines on tiny 2-D point sets worked out by hand.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { classMeans, nearestCentroid, knnPredict, pca } from "../src/baselines";

before(async () => {
  await tf.setBackend("cpu");
});

const train = tf.tensor2d([[0, 0], [0, 2], [10, 0], [10, 2], [10, 4]]);
const labels = [0, 0, 1, 1, 1];

test("class means and nearest centroid", () => {
  const means = classMeans(train, labels, 2);
  assert.deepEqual(means.arraySync(), [[0, 1], [10, 2]]);
  assert.deepEqual(Array.from(nearestCentroid(means, tf.tensor2d([[1, 1], [6, 0], [4, 9]]))), [0, 1, 0]);
});

test("kNN votes among the k nearest, in batches", () => {
  const points = tf.tensor2d([[0, 0], [0, 2], [10, 0], [3, 0]]);
  const pointLabels = [0, 0, 1, 1]; // (3,0) is a lone class-1 point among class 0
  const x = tf.tensor2d([[2, 0], [9, 1], [0, 1]]);
  // [2,0]: squared distances 4 (0), 8 (0), 64 (1), 1 (1) → k=1 says 1; k=3 has votes 0,0,1 → 0.
  assert.deepEqual(Array.from(knnPredict(points, pointLabels, x, 1, 2)), [1, 1, 0]);
  assert.deepEqual(Array.from(knnPredict(points, pointLabels, x, 3, 2)), [0, 1, 0]);
});

test("PCA finds the direction of the spread", () => {
  const pts = tf.tensor2d([[-2, -2.1], [-1, -0.9], [0, 0.1], [1, 1], [2, 1.9]]);
  const { directions, projection } = pca(pts, 1);
  const [dx, dy] = directions.dataSync();
  assert.ok(Math.abs(Math.abs(dx) - Math.SQRT1_2) < 0.02 && Math.abs(Math.abs(dy) - Math.SQRT1_2) < 0.02, `${dx}, ${dy}`);
  assert.deepEqual(projection.shape, [5, 1]);
  const p = projection.dataSync();
  assert.ok(Math.abs(p[4] - p[0]) > 5, "the ends are far apart along the first component");
});
