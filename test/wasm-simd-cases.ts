// Cases for the course's SIMD kernels (src/kernels/simd/kernels.as.ts), each checked against tfjs's cpu backend.
// Run twice, by wasm-simd-1thread.test.ts (the single-threaded build: plain memory) and wasm-simd-2threads.test.ts
// (the threaded build: shared memory), because each memory needs its own binary.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { seededRandom as rng } from "../src/seeded-random";

export const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const values = (r: () => number, n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** f's value and, unless `grads` is false, its gradients (through Σ f·sin(0.7·index)) on one backend, as plain arrays. */
async function valueAndGradsOn(backend: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], grads: boolean): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const buffersBefore = tf.memory().numDataBuffers;
  const result = tf.tidy(() => {
    const xs = inputs.map((t) => tf.tensor(t.dataSync(), t.shape));
    const y = f(...xs);
    if (!grads) return [y.dataSync() as Float32Array];
    const g = tf.grads((...a: tf.Tensor[]) => {
      const v = f(...a);
      // Weights that change sign and size from element to element, so a gradient sent to a neighbouring channel shows.
      return v.mul(tf.sin(tf.range(0, v.size).mul(0.7)).reshape(v.shape)).sum();
    })(xs);
    return [y, ...g].map((t) => t.dataSync() as Float32Array);
  });
  // Scratch buffers the kernels allocate on the wasm heap must be freed again.
  assert.equal(tf.memory().numDataBuffers, buffersBefore, `${backend}: data buffers leaked`);
  return result;
}

/** Relative closeness: the largest difference against the largest expected magnitude, at most 1e-4. */
export function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let maxDiff = 0;
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(maxDiff / scale <= 1e-4, `${what}: max |wasm − cpu| = ${maxDiff} on values up to ${scale}`);
}

/** Compares f's gradients (and its value, unless `value` is false) on wasm and cpu. */
async function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], what: string, { value = true, grads = true } = {}): Promise<void> {
  const [onCpu, onWasm] = [await valueAndGradsOn("cpu", f, inputs, grads), await valueAndGradsOn("wasm", f, inputs, grads)];
  onCpu.forEach((expected, i) => (i > 0 || value) && assertClose(onWasm[i], expected, `${i === 0 ? "value" : `gradient ${i}`}, ${what}`));
  tf.dispose(inputs);
}

export function simdCases(label: string): void {
  test(`${label}: first-layer conv filter gradients (1–4 input channels) match cpu over strides, paddings and sizes`, async () => {
    const r = rng(2024);
    for (let i = 0; i < 40; i++) {
      const [kh, kw] = [int(r, 1, 5), int(r, 1, 5)];
      const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
      const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [int(r, 0, 2), int(r, 0, 2)], [int(r, 0, 2), int(r, 0, 2)], [0, 0]];
      const pad = (["valid", "same", explicit] as const)[int(r, 0, 2)];
      const shape = [int(r, 1, 3), int(r, kh, 13), int(r, kw, 13), int(r, 1, 4)];
      const filterShape = [kh, kw, shape[3], 4 * int(r, 1, 9)]; // whole vectors of output channels: the SIMD kernel's case
      const x = tf.tensor(values(r, size(shape)), shape);
      const w = tf.tensor(values(r, size(filterShape)), filterShape);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
      // Only the gradients: the forward conv is tfjs's own, which is wrong on wasm for some non-square filters with "same"
      // padding and strides above 1 (e.g. x 1,2,11,2, filter 2,1,2,20, strides 3): a tfjs bug, with or without our kernels.
      await compare(f, [x, w], `x ${shape} filter ${filterShape} strides ${strides} pad ${JSON.stringify(pad)}`, { value: false });
    }
  });

  test(`${label}: conv filter gradients with many input channels (im2col and XNNPACK) match cpu over strides, paddings and sizes`, async () => {
    const r = rng(4096);
    for (let i = 0; i < 16; i++) {
      const [kh, kw] = [int(r, 1, 4), int(r, 1, 4)];
      const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
      const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [int(r, 0, 2), int(r, 0, 2)], [int(r, 0, 2), int(r, 0, 2)], [0, 0]];
      const pad = (["valid", "same", explicit] as const)[int(r, 0, 2)];
      // 8 or more input channels, some not a multiple of four (the scalar tail of the layout kernel)
      const shape = [int(r, 1, 4), int(r, kh, 11), int(r, kw, 11), 8 + int(r, 0, 13)];
      const filterShape = [kh, kw, shape[3], 4 * int(r, 1, 5)];
      const x = tf.tensor(values(r, size(shape)), shape);
      const w = tf.tensor(values(r, size(filterShape)), filterShape);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
      await compare(f, [x, w], `x ${shape} filter ${filterShape} strides ${strides} pad ${JSON.stringify(pad)}`, { value: false });
    }
  });

  test(`${label}: conv input gradients of outputs much smaller than the input (product and col2im) match cpu`, async () => {
    const r = rng(8192);
    for (let i = 0; i < 12; i++) {
      const [kh, kw] = [int(r, 2, 5), int(r, 2, 5)];
      const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
      const pad = (["valid", "same"] as const)[i % 3 === 0 ? 1 : 0];
      const shape = [int(r, 1, 4), int(r, kh + 1, 9), int(r, kw + 1, 9), 8 + int(r, 0, 9)];
      const filterShape = [kh, kw, shape[3], 8 + int(r, 0, 9)];
      const x = tf.tensor(values(r, size(shape)), shape);
      const w = tf.tensor(values(r, size(filterShape)), filterShape);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
      await compare(f, [x, w], `x ${shape} filter ${filterShape} strides ${strides} pad ${pad}`, { value: false });
    }
  });

  test(`${label}: the course CNNs' first layer (batch 32, 28×28, 32 filters, valid and same) matches cpu`, async () => {
    const r = rng(11);
    for (const pad of ["valid", "same"] as const) {
      const x = tf.tensor(values(r, 32 * 28 * 28), [32, 28, 28, 1]);
      const w = tf.tensor(values(r, 9 * 32), [3, 3, 1, 32]);
      await compare((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad), [x, w], `pad ${pad}`);
    }
  });

  test(`${label}: maxPool gradients four channels at a time match cpu, ties and overlapping windows included`, async () => {
    const r = rng(31);
    for (let i = 0; i < 30; i++) {
      const [fh, fw] = [int(r, 1, 3), int(r, 1, 3)];
      const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
      const pad = (["valid", "same"] as const)[int(r, 0, 1)];
      const shape = [int(r, 1, 3), int(r, fh, 10), int(r, fw, 10), 4 * int(r, 1, 5) + (i % 3 === 0 ? int(r, 1, 3) : 0)];
      // Rounded values: many tied maxima, where "the first maximum" decides; a third of the cases leave a channel tail.
      const x = tf.tensor(values(r, size(shape)).map((v) => Math.round(v * 2)), shape);
      await compare((a) => tf.maxPool(a as tf.Tensor4D, [fh, fw], strides, pad), [x], `x ${shape} pool ${[fh, fw]} strides ${strides} pad ${pad}`);
    }
  });

  test(`${label}: avgPool gradients match cpu over windows, strides, paddings, overlaps and channel tails`, async () => {
    const r = rng(37);
    for (let i = 0; i < 30; i++) {
      const [fh, fw] = [int(r, 1, 4), int(r, 1, 4)];
      const strides: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
      const pad = (["valid", "same", int(r, 0, 2)] as const)[int(r, 0, 2)];
      const shape = [int(r, 1, 3), int(r, fh, 12), int(r, fw, 12), int(r, 1, 18)] as [number, number, number, number]; // LeNet-5 pools 6 and 16 channels
      const info = tf.backend_util.computePool2DInfo(shape, [fh, fw], strides, 1, pad);
      const dyShape = [shape[0], info.outHeight, info.outWidth, shape[3]];
      const [xs, dys] = [values(r, size(shape)), values(r, size(dyShape))];
      // The gradient kernel itself, on both backends: tfjs-wasm's own forward avgPool writes outside its output with
      // numeric padding (e.g. x 2,10,7,13, pool 4×3, strides 1, pad 1), corrupting the heap, so tf.grad cannot be used.
      const results: Float32Array[] = [];
      for (const backend of ["cpu", "wasm"]) {
        await tf.setBackend(backend);
        results.push(tf.tidy(() => {
          const [x, dy] = [tf.tensor(xs, shape), tf.tensor(dys, dyShape)];
          return (tf.engine().runKernel("AvgPoolGrad", { dy, input: x }, { filterSize: [fh, fw], strides, pad }) as tf.Tensor).dataSync() as Float32Array;
        }));
      }
      assertClose(results[1], results[0], `x ${shape} pool ${[fh, fw]} strides ${strides} pad ${pad}`);
    }
    // And through tf.grad, where tfjs's forward pool is sound (LeNet-5's 2×2 pools, "same" windows).
    for (const [shape, pool, strides, pad] of [[[3, 28, 28, 6], 2, 2, "valid"], [[2, 10, 10, 16], 2, 2, "valid"], [[2, 9, 7, 5], 3, 2, "same"]] as const) {
      const x = tf.tensor(values(r, size([...shape])), [...shape]);
      await compare((a) => tf.avgPool(a as tf.Tensor4D, pool, strides, pad), [x], `tf.grad: x ${shape} pool ${pool} strides ${strides} pad ${pad}`, { value: false });
    }
  });

  test(`${label}: single matMuls (aᵀ·b on the SIMD kernel, the rest on XNNPACK) match cpu for every transpose and odd sizes`, async () => {
    const r = rng(99);
    for (let i = 0; i < 16; i++) {
      const [M, K, N] = [int(r, 1, 23), int(r, 1, 40), int(r, 1, 21)];
      const [transposeA, transposeB] = [(i & 1) === 1, (i & 2) === 2];
      const aShape = transposeA ? [K, M] : [M, K];
      const bShape = transposeB ? [N, K] : [K, N];
      const a = tf.tensor(values(r, size(aShape)), aShape);
      const b = tf.tensor(values(r, size(bShape)), bShape);
      await compare((p, q) => tf.matMul(p, q, transposeA, transposeB), [a, b], `a ${aShape}${transposeA ? "ᵀ" : ""} · b ${bShape}${transposeB ? "ᵀ" : ""}`);
    }
  });

  test(`${label}: batched matMul matches cpu for every transpose, odd sizes, broadcast batches and rank 4`, async () => {
    const r = rng(77);
    for (let i = 0; i < 32; i++) {
      const [M, K, N] = [int(r, 1, 19), int(r, 1, 19), int(r, 1, 19)];
      const [transposeA, transposeB] = [(i & 1) === 1, (i & 2) === 2];
      const outer = i % 8 < 4 ? [int(r, 2, 5)] : [2, int(r, 1, 3)];
      const broadcast = i % 3; // 0: both batched, 1: a single a, 2: a single b
      const aOuter = broadcast === 1 ? outer.map(() => 1) : outer;
      const bOuter = broadcast === 2 ? outer.map(() => 1) : outer;
      const aShape = [...aOuter, ...(transposeA ? [K, M] : [M, K])];
      const bShape = [...bOuter, ...(transposeB ? [N, K] : [K, N])];
      const a = tf.tensor(values(r, size(aShape)), aShape);
      const b = tf.tensor(values(r, size(bShape)), bShape);
      // tfjs-core's matMul gradient does not sum over broadcast batches (it fails on cpu too), so those check the value only.
      await compare((p, q) => tf.matMul(p, q, transposeA, transposeB), [a, b], `a ${aShape}${transposeA ? "ᵀ" : ""} · b ${bShape}${transposeB ? "ᵀ" : ""}`, {
        grads: broadcast === 0,
      });
    }
  });

  test(`${label}: exp and erf match cpu element by element over ±100, the float32 limits, NaN, ±Infinity and odd lengths`, async () => {
    const r = rng(271);
    const special = [0, -0, 1e-30, -1e-30, 1e-8, 0.4999, 0.5, -0.5, 88.7, 88.72, 88.73, -87.3, -87.34, -100, 100, Infinity, -Infinity, NaN];
    for (const n of [1, 3, 4, 5, 18, 1027, 65_539]) {
      const xs = Float32Array.from({ length: n }, (_, i) => (i < special.length && n >= special.length ? special[i] : (r() * 2 - 1) * (r() < 0.5 ? 3 : 100)));
      for (const op of ["exp", "erf"] as const) {
        const results: Float32Array[] = [];
        for (const backend of ["cpu", "wasm"]) {
          await tf.setBackend(backend);
          results.push(tf.tidy(() => tf[op](tf.tensor(xs)).dataSync() as Float32Array));
        }
        const [expected, actual] = results;
        for (let i = 0; i < n; i++) {
          const [e, a] = [expected[i], actual[i]];
          const what = `${op}(${xs[i]}) of ${n}: wasm ${a}, cpu ${e}`;
          if (Number.isNaN(e)) assert.ok(Number.isNaN(a), what);
          else if (!Number.isFinite(e)) assert.equal(a, e, what);
          // exp: relative, and subnormal results (below 1.2e-38) may be 0; erf: both are approximations within 1.5e-7
          else assert.ok(Math.abs(a - e) <= (op === "exp" ? 1e-6 * Math.abs(e) + 1.2e-38 : 3e-7), what);
        }
      }
    }
  });

  test(`${label}: a GELU layer's value and gradient (erf, and exp in its gradient) match cpu`, async () => {
    const r = rng(314);
    for (const shape of [[7], [4, 33, 5], [2, 16, 130]]) {
      const x = tf.tensor(values(r, size(shape)).map((v) => 4 * v), shape);
      await compare((a) => a.mul(0.5).mul(tf.erf(a.mul(Math.SQRT1_2)).add(1)), [x], `gelu on ${shape}`);
    }
  });
}
