// BatchMatMul with a transposed operand, for the wasm backend. tfjs-backend-wasm 4.22 uses XNNPACK only for
// untransposed single-batch products and a naive loop otherwise, so a dense layer's input gradient dy·Wᵀ took 16 ms
// of a 160 ms training step. Transposing the operand first (a cheap copy) takes the fast path: about 10× faster.
import * as tf from "@tensorflow/tfjs";

type MatMulAttrs = { transposeA: boolean; transposeB: boolean };

const singleBatch = (t: tf.TensorInfo) => t.shape.slice(0, -2).every((d) => d === 1);

/** Swaps the last two axes. */
function transposeLast(t: tf.Tensor): tf.Tensor {
  const axes = t.shape.map((_, i) => i);
  axes.push(...axes.splice(-2).reverse());
  return t.transpose(axes);
}

/** Replaces the wasm BatchMatMul kernel with one that transposes single-batch operands itself. */
export function registerMatMulTransposed(): void {
  const builtIn = tf.getKernel("BatchMatMul", "wasm")!;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    ...builtIn,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.Tensor; b: tf.Tensor };
      const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
      if (!(transposeA || transposeB) || !singleBatch(a) || !singleBatch(b)) return builtIn.kernelFunc(args);
      // The transposed copy of b is a new buffer, which matters: wasm caches XNNPACK operators by b's buffer id.
      return tf.tidy(() => tf.matMul(transposeA ? transposeLast(a) : a, transposeB ? transposeLast(b) : b));
    },
  });
}
