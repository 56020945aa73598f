import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { channelsAsImages, classLogits, filtersAsImages, layerOutputs, saliencyMaps } from "../src/saliency";

function tinyCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 4, kernelSize: 3, padding: "same", activation: "relu", name: "conv", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

test("layerOutputs returns intermediate activations equal to running the layers by hand", () => {
  const model = tinyCnn();
  const x = tf.randomUniform([2, 5, 5, 1], 0, 1, "float32", 3);
  const [conv, flat] = layerOutputs(model, x, ["conv", "flat"]);
  assert.deepEqual(conv.shape, [2, 5, 5, 4]);
  assert.deepEqual(flat.shape, [2, 100]);
  const [kernel, bias] = model.getLayer("conv").getWeights();
  const expected = tf.relu(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, "same").add(bias));
  assert.ok(tf.max(tf.abs(tf.sub(conv, expected))).dataSync()[0] < 1e-5);
});

test("channelsAsImages lays out one image per channel", () => {
  // (1, 2, 2, 3): pixel (r, c) of channel k holds 100·k + 10·r + c.
  const values = [0, 100, 200, 1, 101, 201, 10, 110, 210, 11, 111, 211];
  const stack = channelsAsImages(tf.tensor4d(values, [1, 2, 2, 3]));
  assert.deepEqual({ count: stack.count, height: stack.height, width: stack.width }, { count: 3, height: 2, width: 2 });
  assert.deepEqual(Array.from(stack.pixels), [0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211]);
});

test("filtersAsImages gives one kh×kw image per filter", () => {
  const model = tinyCnn();
  const stack = filtersAsImages(model.getLayer("conv"));
  assert.deepEqual({ count: stack.count, height: stack.height, width: stack.width }, { count: 4, height: 3, width: 3 });
  const kernel = model.getLayer("conv").getWeights()[0].arraySync() as number[][][][]; // (kh, kw, in, filters)
  assert.equal(stack.pixels[2 * 9 + 1 * 3 + 0], kernel[1][0][0][2], "filter 2, row 1, column 0");
});

// A linear softmax classifier on 4×4 images: logit k = weight × one pixel, so each class "looks at" one pixel.
function pixelClassifier(pixels: [number, number, number][]): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
  const kernel = tf.buffer([16, 3]);
  pixels.forEach(([row, col, weight], k) => kernel.set(weight, row * 4 + col, k));
  model.layers[1].setWeights([kernel.toTensor(), tf.tensor1d([0.5, -1, 2])]);
  return model;
}

test("classLogits are the scores before the softmax", () => {
  const model = pixelClassifier([[1, 2, 5], [3, 0, -2], [0, 0, 1]]);
  const images = tf.randomUniform([2, 4, 4, 1], 0, 1, "float32", 6) as tf.Tensor4D;
  const z = classLogits(model, images);
  const pixel = (r: number, c: number) => images.slice([0, r, c, 0], [-1, 1, 1, 1]).reshape([2]);
  const expected = tf.stack([pixel(1, 2).mul(5).add(0.5), pixel(3, 0).mul(-2).sub(1), pixel(0, 0).add(2)], 1);
  assert.ok(tf.max(tf.abs(tf.sub(z, expected))).dataSync()[0] < 1e-5);
  assert.ok(tf.max(tf.abs(tf.sub(tf.softmax(z), model.predict(images) as tf.Tensor))).dataSync()[0] < 1e-6);
  const noSoftmax = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
  assert.throws(() => classLogits(noSoftmax, tf.zeros([1, 2])), /not a softmax Dense layer/);
});

test("saliency lights up exactly the pixel the class logit depends on", () => {
  // Class 0's logit is 5 × pixel (1, 2), class 1's is −2 × pixel (3, 0). The gradient of log p_0 would also
  // light up pixel (3, 0), through the softmax's normaliser; the logit's gradient must not.
  const model = pixelClassifier([[1, 2, 5], [3, 0, -2], [0, 0, 0]]);
  const images = tf.randomUniform([2, 4, 4, 1], 0, 1, "float32", 4) as tf.Tensor4D;
  const maps = saliencyMaps(model, images, [0, 1]).arraySync();
  assert.equal(maps[0][1][2], 1);
  assert.equal(maps[0].flat().filter((v) => v !== 0).length, 1, "class 0: only pixel (1, 2)");
  assert.equal(maps[1][3][0], 1);
  assert.equal(maps[1].flat().filter((v) => v !== 0).length, 1, "class 1: only pixel (3, 0)");
});

test("saliency defaults to the predicted class and stays in 0..1", () => {
  const model = tinyCnn();
  const images = tf.randomUniform([3, 5, 5, 1], 0, 1, "float32", 5) as tf.Tensor4D;
  const predicted = Array.from(tf.argMax(model.predict(images) as tf.Tensor, -1).dataSync());
  const maps = saliencyMaps(model, images);
  assert.deepEqual(Array.from(maps.dataSync()), Array.from(saliencyMaps(model, images, predicted).dataSync()));
  assert.equal(maps.min().dataSync()[0], 0);
  assert.ok(Math.abs(maps.max().dataSync()[0] - 1) < 1e-6);
});
