// The course's SIMD kernels against cpu on wasm's single-threaded build (plain memory); the cases are in wasm-simd-cases.ts.
import { before } from "node:test";
import { initBackend } from "../src/backend";
import { simdCases } from "./wasm-simd-cases";

before(async () => {
  delete process.env.TFJS_BACKEND;
  delete process.env.TFJS_THREADS;
  await initBackend({ backend: "wasm", threads: 1, quiet: true });
});

simdCases("wasm, 1 thread");
