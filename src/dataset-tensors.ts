// From uint8 dataset arrays to the float tensors a model trains on.
import * as tf from "@tensorflow/tfjs";

/** Images N×28×28 uint8 → float32 tensor [N, 28, 28, 1] scaled to 0..1. `count` takes the first N only. */
export function toImageTensor(images: Uint8Array, count = images.length / 784): tf.Tensor4D {
  if (!Number.isInteger(count) || count * 784 > images.length) throw new Error(`toImageTensor: ${images.length} bytes hold no ${count} images of 28×28`);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[i] / 255;
  return tf.tensor4d(pixels, [count, 28, 28, 1]);
}

/** Integer labels → one-hot float32 tensor [N, numClasses]. */
export function oneHot(labels: Uint8Array, numClasses: number): tf.Tensor2D {
  const bad = labels.findIndex((l) => l >= numClasses);
  if (bad >= 0) throw new Error(`oneHot: label ${labels[bad]} at index ${bad} is not below numClasses ${numClasses}`);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), numClasses).toFloat() as tf.Tensor2D);
}

/** Integer labels → int32 tensor [N], for sparse losses and metrics. */
export function labelTensor(labels: Uint8Array): tf.Tensor1D {
  return tf.tensor1d(labels, "int32");
}
