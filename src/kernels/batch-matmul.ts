// BatchMatMul for the wasm backend. tfjs-backend-wasm 4.22 uses XNNPACK (fast, on every thread) only for untransposed
// single-batch products and a naive single-threaded loop otherwise.
// - One batch with a transposed operand: transpose it first (a cheap copy), then take XNNPACK's path. A dense layer's
//   input gradient dy·Wᵀ went from 16 ms to under 2 ms of a 160 ms training step.
// - Several batches (attention: queries·keysᵀ and weights·values per head): the course's SIMD kernel
//   (simd/kernels.as.ts), about 5× faster than the naive loop on a ViT's 16×16 heads.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, MIN_PARALLEL_MACS, simdKernels } from "./simd";

type MatMulAttrs = { transposeA: boolean; transposeB: boolean };

const batchOf = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape.slice(0, -2));

/** Swaps the last two axes. */
function transposeLast(t: tf.Tensor): tf.Tensor {
  const axes = t.shape.map((_, i) => i);
  axes.push(...axes.splice(-2).reverse());
  return t.transpose(axes);
}

/** Several batches on the SIMD kernel; either side may be a single matrix shared by every batch. */
function batched(a: tf.TensorInfo, b: tf.TensorInfo, { transposeA, transposeB }: MatMulAttrs, backend: BackendWasm): tf.TensorInfo {
  const [ra, rb] = [a.shape.length, b.shape.length];
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = backend.makeOutput([...outer, M, N], "float32");
  const kernels = simdKernels(backend);
  const batch = Math.max(batchOf(a), batchOf(b));
  const parts = kernels.parts(batch, batch * M * K * N, MIN_PARALLEL_MACS);
  const scratch = transposeB ? backend.makeOutput([parts * K * N], "float32") : undefined;
  kernels.run("batchMatMul", [
    heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), scratch ? heapOffset(backend, scratch) : 0,
    batchOf(a), batchOf(b), M, K, N, Number(transposeA), Number(transposeB),
  ], parts);
  if (scratch) backend.disposeData(scratch.dataId);
  return out;
}

/**
 * aᵀ·b of single matrices (a weight gradient xᵀ·dy) on the SIMD kernel, every thread, with no copy: XNNPACK would need
 * a transposed copy of a and then packs b, a fresh tensor every step (about 10 ms per million floats, on one thread).
 */
function atb(a: tf.TensorInfo, b: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  const [ra, rb] = [a.shape.length, b.shape.length];
  const [K, M, N] = [a.shape[ra - 2], a.shape[ra - 1], b.shape[rb - 1]];
  const out = backend.makeOutput([...a.shape.slice(0, -2).map(() => 1), M, N], "float32");
  const kernels = simdKernels(backend);
  kernels.run("matMulAtB", [heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), K, M, N], kernels.parts(Math.ceil(M / 4), K * M * N, MIN_PARALLEL_MACS));
  return out;
}

/** Replaces the wasm BatchMatMul kernel; untransposed single-batch products still go to the built-in (XNNPACK). */
export function registerBatchMatMul(): void {
  const builtIn = tf.getKernel("BatchMatMul", "wasm")!;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    ...builtIn,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.Tensor; b: tf.Tensor };
      const attrs = args.attrs as unknown as MatMulAttrs;
      const [batchA, batchB] = [batchOf(a), batchOf(b)];
      if (a.dtype !== "float32" || b.dtype !== "float32") return builtIn.kernelFunc(args);
      if (batchA === 1 && batchB === 1) {
        if (!(attrs.transposeA || attrs.transposeB)) return builtIn.kernelFunc(args);
        if (attrs.transposeA && !attrs.transposeB) return atb(a, b, args.backend as BackendWasm);
        if (attrs.transposeB && !attrs.transposeA && b.size > 4 * a.size) {
          // An input gradient dy·Wᵀ with a wide W (a dense layer after a big flatten): XNNPACK packs its right operand
          // on every call, on one thread, at about 10 ms per million floats. (W·dyᵀ)ᵀ packs the small dyᵀ instead.
          return tf.tidy(() => transposeLast(tf.matMul(b, a, false, true)));
        }
        // The transposed copy of b is a new buffer, which matters: wasm caches XNNPACK operators by b's buffer id.
        return tf.tidy(() => tf.matMul(attrs.transposeA ? transposeLast(a) : a, attrs.transposeB ? transposeLast(b) : b));
      }
      // Batches that broadcast other than one-to-many (e.g. [2, 1] against [1, 3]) stay with the built-in.
      if (batchA !== batchB && batchA !== 1 && batchB !== 1) return builtIn.kernelFunc(args);
      return batched(a, b, attrs, args.backend as BackendWasm);
    },
  });
}
