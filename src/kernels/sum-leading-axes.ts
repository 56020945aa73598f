// Sum for the wasm backend when it reduces the leading axes of a float32 tensor, as a bias gradient does
// ((B, H, W, C) → (C)): one matMul by a row of ones, on XNNPACK's threaded GEMM, instead of wasm's
// transpose-then-reduce, which is about ten times slower. Other sums go to the built-in kernel.
import * as tf from "@tensorflow/tfjs";
import { matMulByCopy } from "./matmul-by-copy";

type SumAttrs = { axis: number | number[]; keepDims: boolean };

function leadingAxesCount(shape: number[], axis: number | number[]): number | undefined {
  const axes = tf.util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  return axes.every((a, i) => a === i) ? axes.length : undefined;
}

/** Replaces the wasm Sum kernel with one that takes the matMul route when it applies. */
export function registerSumLeadingAxes(): void {
  const builtIn = tf.getKernel("Sum", "wasm")!;
  tf.unregisterKernel("Sum", "wasm");
  tf.registerKernel({
    ...builtIn,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.Tensor;
      const { axis, keepDims } = args.attrs as unknown as SumAttrs;
      const k = leadingAxesCount(x.shape, axis);
      if (x.dtype !== "float32" || x.size === 0 || k === undefined || k === 0) return builtIn.kernelFunc(args);
      return tf.tidy(() => {
        const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
        const sum = matMulByCopy(tf.ones([1, rows]), x.reshape([rows, x.size / rows])); // (1, rest)
        return sum.reshape(keepDims ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k));
      });
    },
  });
}
