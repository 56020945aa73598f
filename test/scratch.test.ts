// From-scratch ops against tfjs (cpu backend) on random inputs, and backprop against finite differences.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as s from "../src/scratch";

before(async () => {
  await tf.setBackend("cpu");
});

const toTf = (t: s.Tensor) => tf.tensor(Array.from(t.data), t.shape);
function close(ours: s.Tensor | number[], theirs: tf.Tensor, tol = 1e-5) {
  const a = Array.isArray(ours) ? ours : Array.from(ours.data);
  if (!Array.isArray(ours)) assert.deepEqual(ours.shape, theirs.shape);
  const err = s.relativeError(a, theirs.dataSync());
  assert.ok(err < tol, `relative error ${err}`);
}

test("outputSize follows floor((n + 2p - k) / s) + 1", () => {
  assert.equal(s.outputSize(28, 5), 24);
  assert.equal(s.outputSize(28, 3, 1, 1), 28);
  assert.equal(s.outputSize(7, 3, 2, 0), 3);
  assert.equal(s.outputSize(32, 5), 28);
});

test("conv2d is cross-correlation: a hand example", () => {
  // 3×3 image 1..9, 2×2 filter [[1,0],[0,-1]]: y[i][j] = x[i][j] - x[i+1][j+1] = -4 everywhere.
  const x = s.tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const w = s.tensor([2, 2, 1, 1], [1, 0, 0, -1]);
  assert.deepEqual(Array.from(s.conv2d(x, w, null).data), [-4, -4, -4, -4]);
});

for (const [stride, pad] of [[1, 0], [1, 1], [2, 0], [2, 1]]) {
  test(`conv2d forward and backward match tfjs (stride ${stride}, pad ${pad})`, () => {
    const x = s.randomTensor([2, 7, 6, 3], 1);
    const w = s.randomTensor([3, 3, 3, 4], 2);
    const b = s.randomTensor([4], 3);
    const y = s.conv2d(x, w, b, { stride, pad });
    const padding: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
    const f = (xt: tf.Tensor4D, wt: tf.Tensor4D, bt: tf.Tensor1D) => tf.conv2d(xt, wt, stride, padding).add(bt);
    close(y, f(toTf(x) as tf.Tensor4D, toTf(w) as tf.Tensor4D, toTf(b) as tf.Tensor1D));

    const dy = s.randomTensor(y.shape, 4);
    const ours = s.conv2dBackward(dy, x, w, { stride, pad });
    const grads = tf.grads((xt, wt, bt) => f(xt as tf.Tensor4D, wt as tf.Tensor4D, bt as tf.Tensor1D).mul(toTf(dy)).sum());
    const [gx, gw, gb] = grads([toTf(x), toTf(w), toTf(b)]);
    close(ours.dx, gx);
    close(ours.dw, gw);
    close(ours.db, gb);
  });
}

for (const [size, stride] of [[2, 2], [3, 2], [2, 1]]) {
  test(`max and average pooling match tfjs (size ${size}, stride ${stride})`, () => {
    const x = s.randomTensor([2, 6, 7, 3], 5);
    const dy0 = s.maxPool(x, { size, stride });
    const dy = s.randomTensor(dy0.shape, 6);
    const xt = toTf(x) as tf.Tensor4D;
    close(dy0, tf.maxPool(xt, size, stride, "valid"));
    close(s.avgPool(x, { size, stride }), tf.avgPool(xt, size, stride, "valid"));
    const gMax = tf.grad((t) => tf.maxPool(t as tf.Tensor4D, size, stride, "valid").mul(toTf(dy)).sum())(xt);
    const gAvg = tf.grad((t) => tf.avgPool(t as tf.Tensor4D, size, stride, "valid").mul(toTf(dy)).sum())(xt);
    close(s.maxPoolBackward(dy, x, { size, stride }), gMax);
    close(s.avgPoolBackward(dy, x, { size, stride }), gAvg);
  });
}

test("ReLU, softmax and cross-entropy match tfjs, forward and backward", () => {
  const z = s.randomTensor([4, 10], 7, 3);
  const dy = s.randomTensor([4, 10], 8);
  const labels = [3, 0, 9, 5];
  const zt = toTf(z);
  close(s.relu(z), tf.relu(zt));
  close(s.reluBackward(dy, z), tf.grad((t) => tf.relu(t).mul(toTf(dy)).sum())(zt));
  const p = s.softmax(z);
  close(p, tf.softmax(zt));
  close(s.softmaxBackward(dy, p), tf.grad((t) => tf.softmax(t).mul(toTf(dy)).sum())(zt));

  const oneHot = tf.oneHot(labels, 10);
  const ceTf = (t: tf.Tensor) => tf.losses.softmaxCrossEntropy(oneHot, t);
  close([s.crossEntropy(p, labels)], ceTf(zt));
  const dz = s.softmaxBackward(s.crossEntropyBackward(p, labels), p);
  close(dz, tf.grad(ceTf)(zt));
});

test("dense layer matches tfjs", () => {
  const x = s.randomTensor([3, 5], 9);
  const w = s.randomTensor([5, 4], 10);
  const b = s.randomTensor([4], 11);
  const dy = s.randomTensor([3, 4], 12);
  const f = (xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => tf.matMul(xt as tf.Tensor2D, wt as tf.Tensor2D).add(bt);
  close(s.dense(x, w, b), f(toTf(x), toTf(w), toTf(b)));
  const [gx, gw, gb] = tf.grads((a, c, d) => f(a, c, d).mul(toTf(dy)).sum())([toTf(x), toTf(w), toTf(b)]);
  const ours = s.denseBackward(dy, x, w);
  close(ours.dx, gx);
  close(ours.dw, gw);
  close(ours.db, gb);
});

test("tiny conv net: backprop agrees with finite differences for every parameter", () => {
  const x = s.randomTensor([2, 6, 6, 1], 13);
  const labels = [1, 2];
  const net: s.TinyNet = {
    convW: s.randomTensor([3, 3, 1, 2], 14, 0.5),
    convB: s.randomTensor([2], 15, 0.1),
    denseW: s.randomTensor([3 * 3 * 2, 3], 16, 0.5),
    denseB: s.randomTensor([3], 17, 0.1),
  };
  const grads = s.tinyNetBackward(net, x, labels);
  const loss = () => s.tinyNetForward(net, x, labels).loss;
  for (const key of Object.keys(net) as (keyof s.TinyNet)[]) {
    const err = s.gradientCheck(loss, net[key], grads[key]);
    assert.ok(err < 1e-6, `${key}: relative error ${err}`);
  }
});

test("gradientCheck catches a wrong gradient", () => {
  const p = s.tensor([3], [1, 2, 3]);
  const loss = () => p.data.reduce((a, v) => a + v * v, 0); // dL/dp = 2p
  assert.ok(s.gradientCheck(loss, p, s.tensor([3], [2, 4, 6])) < 1e-8);
  assert.ok(s.gradientCheck(loss, p, s.tensor([3], [2, 4, 7])) > 0.1);
});
