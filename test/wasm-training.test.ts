// tf.layers models train on wasm with our kernels: no tensor leaks across epochs, the loss goes down, and the
// gradients of attention-style ops and of the cpu-fallback kernels equal the cpu backend's.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";

before(async () => {
  delete process.env.TFJS_BACKEND;
  await initBackend({ backend: "wasm", quiet: true });
});

function cnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 3, activation: "relu", padding: "same" }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: "relu" }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
}

/** A learnable task: is the bright square in the left or the right half of the image? */
function squares(n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const x = new Float32Array(n * 144);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const right = i % 2;
    const [r, c] = [(i * 7) % 10, right * 6 + ((i * 3) % 4)];
    for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) x[i * 144 + (r + dr) * 12 + c + dc] = 1;
    labels.push(right);
  }
  return { x: tf.tensor4d(x, [n, 12, 12, 1]), y: tf.oneHot(tf.tensor1d(labels, "int32"), 2) as tf.Tensor2D };
}

test("a conv/batchNorm/maxPool/dropout/dense model learns on wasm and leaks no tensors across epochs", async () => {
  const { x, y } = squares(128);
  const model = cnn();
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const tensorsAfterEpoch: number[] = [];
  const history = await model.fit(x, y, {
    epochs: 6,
    batchSize: 32,
    verbose: 0,
    callbacks: { onEpochEnd: async () => void tensorsAfterEpoch.push(tf.memory().numTensors) },
  });
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(new Set(tensorsAfterEpoch.slice(1)).size, 1, `tensor count drifts across epochs: ${tensorsAfterEpoch}`);
  const loss = history.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0] * 0.7, `loss did not fall: ${loss.map((l) => l.toFixed(3))}`);
  model.dispose();
  tf.dispose([x, y]);
});

/** Gradients of Σ f(x)·w (fixed non-uniform w) with respect to x, computed on `backend`. */
async function gradOn(backend: string, f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[]): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => {
      const y = f(t);
      return y.mul(tf.linspace(0.5, 1.5, y.size).reshape(y.shape)).sum();
    })(tf.tensor(x, shape));
    return g.dataSync() as Float32Array;
  });
}

const cases: Record<string, [number[], (x: tf.Tensor) => tf.Tensor]> = {
  // (B, N, D) tokens: layer norm, attention with softmax, GELU-style MLP.
  "attention block": [[2, 5, 8], (x) => {
    const { mean, variance } = tf.moments(x, -1, true);
    const h = x.sub(mean).div(variance.add(1e-5).sqrt());
    const w = tf.linspace(-1, 1, 64).reshape([8, 8]);
    const [q, k] = [tf.matMul(h.reshape([10, 8]), w).reshape([2, 5, 8]), h];
    const attn = tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(8)));
    const o = tf.matMul(attn, h);
    return o.mul(tf.erf(o.div(Math.SQRT2)).add(1)).mul(0.5);
  }],
  "matMul with transposed operands (dense-layer gradients)": [[6, 9], (x) =>
    tf.matMul(x, x, true, false).add(tf.matMul(x, x, false, true).sum()).add(tf.matMul(x.reshape([1, 6, 9]), x.reshape([1, 6, 9]), false, true).sum())],
    "embedding lookup (UnsortedSegmentSum on cpu)": [[6, 4], (x) => tf.gather(x, tf.tensor1d([0, 2, 2, 5, 1], "int32"))],
  "depthwise conv (cpu fallback)": [[2, 7, 6, 3], (x) =>
    tf.depthwiseConv2d(x as tf.Tensor4D, tf.linspace(-1, 1, 3 * 3 * 3 * 2).reshape([3, 3, 3, 2]) as tf.Tensor4D, 2, "same")],
  "avgPool and batchNorm": [[2, 6, 6, 3], (x) =>
    tf.avgPool(tf.batchNorm(x, tf.scalar(0.1), tf.scalar(2), tf.scalar(0.5), tf.scalar(1.5)) as tf.Tensor4D, 2, 2, "valid")],
};

for (const [name, [shape, f]] of Object.entries(cases)) {
  test(`${name}: wasm gradient equals cpu`, async () => {
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 1.7));
    const [onCpu, onWasm] = [await gradOn("cpu", f, x, shape), await gradOn("wasm", f, x, shape)];
    const scale = Math.max(...onCpu.map(Math.abs), 1e-6);
    const worst = Math.max(...onWasm.map((v, i) => Math.abs(v - onCpu[i])));
    assert.ok(worst / scale <= 1e-4, `max |wasm − cpu| = ${worst} on values up to ${scale}`);
  });
}
