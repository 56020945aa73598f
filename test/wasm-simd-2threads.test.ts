// The course's SIMD kernels against cpu on wasm's threaded build (shared memory); the cases are in wasm-simd-cases.ts.
// Every call is split over both threads here, however small (the thresholds that keep small calls on one are set to 0),
// and the last test checks that the helper thread really ran parts of them.
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { initBackend } from "../src/backend";
import { setMinParallelWork, simdKernels } from "../src/kernels/simd";
import { simdCases } from "./wasm-simd-cases";

before(async () => {
  delete process.env.TFJS_BACKEND;
  delete process.env.TFJS_THREADS;
  await initBackend({ backend: "wasm", threads: 2, quiet: true });
  setMinParallelWork({ macs: 0, elements: 0 });
});

after(() => setMinParallelWork({ macs: 1 << 20, elements: 1 << 17 }));

simdCases("wasm, 2 threads");

test("wasm, 2 threads: the course's kernels ran on two threads, and the helper thread did part of the work", async () => {
  await tf.setBackend("wasm");
  const kernels = simdKernels(tf.backend() as BackendWasm);
  assert.equal(kernels.threads, 2);
  assert.ok(kernels.helped() > 0, `the helper thread ran ${kernels.helped()} parts`);
});
