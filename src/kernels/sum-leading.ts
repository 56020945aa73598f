// Sum over every axis but the last (a bias gradient: dy of shape [..., C] to [C]) for the wasm backend.
// tfjs-backend-wasm 4.22 transposes the whole input first so the reduced axes come last; one pass over the heap
// in memory order (the course's SIMD kernel: four rows at a time, accumulated in doubles, shares of the rows on every
// thread) is several times faster.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, MIN_PARALLEL_ELEMENTS, simdKernels } from "./simd";

type SumAttrs = { axis: number | number[]; keepDims: boolean };

/** True when axes are exactly 0..rank-2 (in any order). */
function leadingAxes(axis: number | number[], shape: number[]): boolean {
  const axes = tf.util.parseAxisParam(axis, shape);
  return shape.length >= 2 && axes.length === shape.length - 1 && axes.every((a) => a < shape.length - 1) && new Set(axes).size === axes.length;
}

function sumLeading(x: tf.TensorInfo, keepDims: boolean, backend: BackendWasm): tf.TensorInfo {
  const C = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / C;
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), C] : [C], "float32");
  // Each share of the rows sums into its own C doubles; those few partial sums are added here.
  const kernels = simdKernels(backend);
  const parts = kernels.parts(Math.floor(rows / 64), rows * C, MIN_PARALLEL_ELEMENTS);
  const sums = backend.makeOutput([2 * parts * C], "float32");
  kernels.run("sumRows", [heapOffset(backend, x), heapOffset(backend, sums), rows, C], parts);
  // Views are taken after the allocations above, which may grow (and detach) the heap.
  const partial = backend.typedArrayFromHeap(sums) as Float32Array;
  const doubles = new Float64Array(partial.buffer, partial.byteOffset, parts * C);
  const result = backend.typedArrayFromHeap(out) as Float32Array;
  for (let c = 0; c < C; c++) {
    let total = 0;
    for (let p = 0; p < parts; p++) total += doubles[p * C + c];
    result[c] = total;
  }
  backend.disposeData(sums.dataId);
  return out;
}

/** Replaces the wasm Sum kernel for float32 sums over all leading axes; everything else goes to the built-in. */
export function registerSumLeading(): void {
  const builtIn = tf.getKernel("Sum", "wasm")!;
  tf.unregisterKernel("Sum", "wasm");
  tf.registerKernel({
    ...builtIn,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as SumAttrs;
      if (x.dtype !== "float32" || tf.util.sizeFromShape(x.shape) === 0 || !leadingAxes(axis, x.shape)) return builtIn.kernelFunc(args);
      return sumLeading(x, keepDims, args.backend as BackendWasm);
    },
  });
}
