// matMul for our wasm kernels whose weights operand is a reshaped view of some tensor.
// tfjs-backend-wasm 4.22 caches each XNNPACK matMul operator under the weights' (b's) buffer id, not its shape, so two
// views of one buffer with different shapes would share an operator sized for the first one and write out of bounds.
import * as tf from "@tensorflow/tfjs";

/** a · b with b copied into a buffer of its own first (a cheap elementwise pass). */
export function matMulByCopy(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, b.add(0));
}
