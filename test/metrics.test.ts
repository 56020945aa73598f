// Metrics on small examples worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy, confusionMatrix, classReport, argmaxRows, mostConfidentMistakes, meanStd, formatPercentSpread } from "../src/metrics";

const yTrue = [0, 0, 0, 1, 1, 2, 2, 2];
const yPred = [0, 0, 1, 1, 2, 2, 2, 0];

test("accuracy counts exact matches", () => {
  assert.equal(accuracy(yTrue, yPred), 5 / 8);
  assert.throws(() => accuracy([1], [1, 2]), /1 labels but 2 predictions/);
});

test("confusion matrix: rows are true classes, columns predictions", () => {
  assert.deepEqual(confusionMatrix(yTrue, yPred, 3), [
    [2, 1, 0],
    [0, 1, 1],
    [1, 0, 2],
  ]);
});

test("per-class precision, recall and F1", () => {
  const r = classReport(confusionMatrix(yTrue, yPred, 3));
  // class 0: TP 2, predicted 3, support 3 → P = R = 2/3
  // class 1: TP 1, predicted 2, support 2 → P = 1/2, R = 1/2
  // class 2: TP 2, predicted 3, support 3 → P = R = 2/3
  const expected = [
    { p: 2 / 3, r: 2 / 3, s: 3 },
    { p: 1 / 2, r: 1 / 2, s: 2 },
    { p: 2 / 3, r: 2 / 3, s: 3 },
  ];
  expected.forEach((e, c) => {
    assert.ok(Math.abs(r[c].precision - e.p) < 1e-12);
    assert.ok(Math.abs(r[c].recall - e.r) < 1e-12);
    assert.ok(Math.abs(r[c].f1 - e.p) < 1e-12); // P = R ⇒ F1 = P
    assert.equal(r[c].support, e.s);
  });
});

test("F1 with unequal precision and recall, and a never-predicted class", () => {
  // class 0: TP 1, FP 2, FN 0 → P = 1/3, R = 1, F1 = 2·(1/3)/(4/3) = 1/2; class 1 never predicted → 0s
  const r = classReport(confusionMatrix([0, 1, 1], [0, 0, 0], 2));
  assert.ok(Math.abs(r[0].f1 - 0.5) < 1e-12);
  assert.deepEqual([r[1].precision, r[1].recall, r[1].f1], [0, 0, 0]);
});

test("most confident mistakes, in order of confidence", () => {
  const probs = [
    0.9, 0.1, // true 0, right
    0.8, 0.2, // true 1, wrong with 0.8
    0.4, 0.6, // true 0, wrong with 0.6
    0.05, 0.95, // true 0, wrong with 0.95
  ];
  assert.deepEqual(Array.from(argmaxRows(probs, 2)), [0, 0, 1, 1]);
  const m = mostConfidentMistakes([0, 1, 0, 0], probs, 2, 2);
  assert.deepEqual(m, [
    { index: 3, trueLabel: 0, predLabel: 1, confidence: 0.95 },
    { index: 1, trueLabel: 1, predLabel: 0, confidence: 0.8 },
  ]);
});

test("meanStd: the sample standard deviation over runs; one run has no spread", () => {
  const { mean, std } = meanStd([0.9, 0.92, 0.94]);
  assert.ok(Math.abs(mean - 0.92) < 1e-12);
  assert.ok(Math.abs(std - 0.02) < 1e-12); // deviations ±0.02, 0: sqrt(0.0008 / 2)
  assert.deepEqual(meanStd([0.5]), { mean: 0.5, std: 0 });
  assert.throws(() => meanStd([]), /no values/);
  assert.equal(formatPercentSpread([0.9, 0.92, 0.94]), "92.0 ± 2.0%");
});
