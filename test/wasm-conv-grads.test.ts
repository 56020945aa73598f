// Conv2D and MaxPool gradients on wasm (our kernels) must equal the cpu backend's on randomised shapes.
import { test, before } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { seededRandom as rng } from "../src/seeded-random";
import { assertClose, int, values } from "./wasm-simd-cases";

/** Gradients of Σ f(inputs)·weights (fixed, non-uniform) on one backend, as plain arrays. */
async function gradsOn(backend: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((t) => tf.tensor(t.dataSync(), t.shape));
    const g = tf.grads((...a: tf.Tensor[]) => {
      const y = f(...a);
      return y.mul(tf.linspace(0.5, 1.5, y.size).reshape(y.shape)).sum();
    })(xs);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}

before(async () => {
  delete process.env.TFJS_BACKEND;
  await initBackend({ backend: "wasm", quiet: true });
});

test("conv2d input and filter gradients match cpu on 60 random shapes, strides and paddings", async () => {
  const r = rng(1234);
  for (let i = 0; i < 60; i++) {
    const [kh, kw] = [int(r, 1, 4), int(r, 1, 4)];
    const [sh, sw] = [int(r, 1, 3), int(r, 1, 3)];
    // Explicit pads rather than a number: tfjs-core computes the output width of a numeric pad from the filter
    // height, which corrupts memory on wasm for non-square filters (a tfjs bug, also without our kernels).
    const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [int(r, 0, 2), int(r, 0, 2)], [int(r, 0, 2), int(r, 0, 2)], [0, 0]];
    const pad = (["valid", "same", explicit] as const)[int(r, 0, 2)];
    const shape = [int(r, 1, 5), int(r, kh, 12), int(r, kw, 12), int(r, 1, 5)];
    const filterShape = [kh, kw, shape[3], int(r, 1, 6)];
    const what = `x ${shape} filter ${filterShape} strides ${[sh, sw]} pad ${JSON.stringify(pad)}`;
    const x = tf.tensor(values(r, shape.reduce((a, b) => a * b)), shape);
    const w = tf.tensor(values(r, filterShape.reduce((a, b) => a * b)), filterShape);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [sh, sw], pad);
    const [onCpu, onWasm] = [await gradsOn("cpu", f, [x, w]), await gradsOn("wasm", f, [x, w])];
    assertClose(onWasm[0], onCpu[0], `dx, ${what}`);
    assertClose(onWasm[1], onCpu[1], `dW, ${what}`);
    tf.dispose([x, w]);
  }
});

test("conv2d gradients match cpu for the reference CNN's shapes (batch 32)", async () => {
  const r = rng(7);
  for (const [shape, filterShape] of [[[32, 28, 28, 1], [3, 3, 1, 32]], [[32, 13, 13, 32], [3, 3, 32, 64]]]) {
    const x = tf.tensor(values(r, shape.reduce((a, b) => a * b)), shape);
    const w = tf.tensor(values(r, filterShape.reduce((a, b) => a * b)), filterShape);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid");
    const [onCpu, onWasm] = [await gradsOn("cpu", f, [x, w]), await gradsOn("wasm", f, [x, w])];
    assertClose(onWasm[0], onCpu[0], `dx, x ${shape}`);
    assertClose(onWasm[1], onCpu[1], `dW, x ${shape}`);
    tf.dispose([x, w]);
  }
});

test("maxPool gradient matches cpu, including ties from ReLU zeros and overlapping windows", async () => {
  const r = rng(99);
  for (let i = 0; i < 40; i++) {
    const [fh, fw] = [int(r, 1, 3), int(r, 1, 3)];
    const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
    const pad = (["valid", "same"] as const)[int(r, 0, 1)];
    const shape = [int(r, 1, 4), int(r, fh, 11), int(r, fw, 11), int(r, 1, 4)];
    const x = tf.tensor(values(r, shape.reduce((a, b) => a * b)), shape);
    // ReLU first: whole windows of zeros are the tie case where "first maximum" matters.
    const f = (a: tf.Tensor) => tf.maxPool(tf.relu(a) as tf.Tensor4D, [fh, fw], strides, pad);
    const [onCpu, onWasm] = [await gradsOn("cpu", f, [x]), await gradsOn("wasm", f, [x])];
    assertClose(onWasm[0], onCpu[0], `x ${shape} pool ${[fh, fw]} strides ${strides} pad ${pad}`);
    x.dispose();
  }
});

test("2×2 maxPool gradient goes to the first maximum on ties, like cpu, strides 1 and 2", async () => {
  const r = rng(7);
  for (const strides of [1, 2] as const) {
    for (let i = 0; i < 6; i++) {
      const shape = [int(r, 1, 3), int(r, 2, 9), int(r, 2, 9), int(r, 1, 8)];
      // Few distinct values, so most windows hold tied maxima (a ReLU in front would hide ties: its gradient is 0 there).
      const x = tf.tensor(values(r, shape.reduce((a, b) => a * b)).map((v) => Math.round(v * 2)), shape);
      const f = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, strides, "valid");
      const [onCpu, onWasm] = [await gradsOn("cpu", f, [x]), await gradsOn("wasm", f, [x])];
      assertClose(onWasm[0], onCpu[0], `x ${shape} pool 2×2 strides ${strides}`);
      x.dispose();
    }
  }
});
