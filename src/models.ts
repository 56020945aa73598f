// The course's digit classifiers, built with tf.layers. Input [N, 28, 28, 1] in 0..1, output
// [N, 10] class probabilities. Shapes in the comments are per example; the tests recompute the
// parameter counts by hand.

import * as tf from "@tensorflow/tfjs";

export type ModelName = "mlp" | "small-cnn" | "lenet5" | "keras-cnn";

export interface ModelOptions {
  /** Seeds the weight initialisers. Dropout masks are drawn unseeded (see `seeded`), so a model with dropout repeats a run only up to that noise. */
  seed?: number;
  numClasses?: number;
}

// Each layer gets its own seed derived from the model seed, so layers do not share random streams.
// Dropout layers get no seed on purpose: tfjs reseeds a seeded dropout on every call, so every
// batch would drop the same units, and those units would never learn (test/models.test.ts).
function seeded(seed: number | undefined) {
  let next = seed ?? 0;
  return () => (seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotUniform({ seed: next++ }) });
}

/** Baseline without convolutions: every pixel connects to every hidden unit. 101,770 parameters. */
export function buildMlp({ seed, numClasses = 10 }: ModelOptions = {}): tf.Sequential {
  const init = seeded(seed);
  return tf.sequential({
    name: "mlp",
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1], name: "flatten" }), // 784
      tf.layers.dense({ units: 128, activation: "relu", ...init(), name: "hidden" }), // 128
      tf.layers.dropout({ rate: 0.2, name: "dropout" }),
      tf.layers.dense({ units: numClasses, activation: "softmax", ...init(), name: "output" }),
    ],
  });
}

/**
 * Two conv + pool blocks with 'same' padding, so only the pools shrink the map: 28 → 14 → 7,
 * and the flatten has 64·7·7 = 3136 values (source article 000 wrongly wrote 64·14·14).
 * 421,642 parameters.
 */
export function buildSmallCnn({ seed, numClasses = 10 }: ModelOptions = {}): tf.Sequential {
  const init = seeded(seed);
  return tf.sequential({
    name: "small_cnn",
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: "same", activation: "relu", ...init(), name: "conv1" }), // 28×28×32
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }), // 14×14×32
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: "same", activation: "relu", ...init(), name: "conv2" }), // 14×14×64
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }), // 7×7×64
      tf.layers.flatten({ name: "flatten" }), // 3136
      tf.layers.dropout({ rate: 0.25, name: "dropout1" }),
      tf.layers.dense({ units: 128, activation: "relu", ...init(), name: "dense" }),
      tf.layers.dropout({ rate: 0.5, name: "dropout2" }),
      tf.layers.dense({ units: numClasses, activation: "softmax", ...init(), name: "output" }),
    ],
  });
}

/**
 * LeNet-5 (LeCun et al., 1998) in its modern form: the 28×28 digit is zero-padded to the 32×32 the
 * network was designed for; C3 uses FULL connections (every C3 map sees all 6 S2 maps, not the
 * paper's partial table); ReLU instead of scaled tanh; average pooling for the S layers; softmax
 * output instead of RBF units. 61,706 parameters.
 */
export function buildLeNet5({ seed, numClasses = 10 }: ModelOptions = {}): tf.Sequential {
  const init = seeded(seed);
  return tf.sequential({
    name: "lenet5",
    layers: [
      tf.layers.zeroPadding2d({ inputShape: [28, 28, 1], padding: 2, name: "pad_to_32x32" }), // 32×32×1
      tf.layers.conv2d({ filters: 6, kernelSize: 5, activation: "relu", ...init(), name: "C1" }), // 28×28×6
      tf.layers.averagePooling2d({ poolSize: 2, name: "S2" }), // 14×14×6
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu", ...init(), name: "C3" }), // 10×10×16
      tf.layers.averagePooling2d({ poolSize: 2, name: "S4" }), // 5×5×16
      tf.layers.conv2d({ filters: 120, kernelSize: 5, activation: "relu", ...init(), name: "C5" }), // 1×1×120
      tf.layers.flatten({ name: "flatten" }), // 120
      tf.layers.dense({ units: 84, activation: "relu", ...init(), name: "F6" }),
      tf.layers.dense({ units: numClasses, activation: "softmax", ...init(), name: "output" }),
    ],
  });
}

/**
 * The three-convolution stack of the Keras/TensorFlow CNN tutorial, all 'valid' 3×3 convolutions:
 * 28 → 26 → pool 13 → 11 → pool 5 → 3, so the flatten has 64·3·3 = 576 values; a 128-unit dense layer
 * with dropout on top. 130,890 parameters.
 */
export function buildKerasCnn({ seed, numClasses = 10 }: ModelOptions = {}): tf.Sequential {
  const init = seeded(seed);
  return tf.sequential({
    name: "keras_cnn",
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu", ...init(), name: "conv1" }), // 26×26×32
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool1" }), // 13×13×32
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", ...init(), name: "conv2" }), // 11×11×64
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool2" }), // 5×5×64
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", ...init(), name: "conv3" }), // 3×3×64
      tf.layers.flatten({ name: "flatten" }), // 576
      tf.layers.dense({ units: 128, activation: "relu", ...init(), name: "dense" }),
      tf.layers.dropout({ rate: 0.5, name: "dropout" }),
      tf.layers.dense({ units: numClasses, activation: "softmax", ...init(), name: "output" }),
    ],
  });
}

export const MODEL_BUILDERS: Record<ModelName, (options?: ModelOptions) => tf.Sequential> = {
  mlp: buildMlp,
  "small-cnn": buildSmallCnn,
  lenet5: buildLeNet5,
  "keras-cnn": buildKerasCnn,
};

/** One row per layer: name, output shape (without the batch axis) and parameter count. */
export function layerTable(model: tf.LayersModel): { name: string; outputShape: number[]; params: number }[] {
  return model.layers.map((layer) => ({
    name: layer.name,
    outputShape: (layer.outputShape as number[]).slice(1),
    params: layer.countParams(),
  }));
}
