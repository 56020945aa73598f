// Layer output shapes and parameter counts of the course models, computed by hand here.
// Conv params = kh·kw·cin·filters + filters; dense params = in·out + out.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildMlp, buildSmallCnn, buildLeNet5, buildKerasCnn, layerTable } from "../src/models";

const conv = (k: number, cin: number, f: number) => k * k * cin * f + f;
const dense = (i: number, o: number) => i * o + o;

function shapesAndParams(model: tf.LayersModel) {
  const table = layerTable(model);
  return { shapes: table.map((l) => l.outputShape), params: table.map((l) => l.params), total: model.countParams() };
}

test("MLP: 784 → 128 → 10", () => {
  const m = shapesAndParams(buildMlp());
  assert.deepEqual(m.shapes, [[784], [128], [128], [10]]);
  assert.equal(m.total, dense(784, 128) + dense(128, 10)); // 101,770
});

test("small CNN with 'same' padding flattens 64·7·7 = 3136 (not 64·14·14)", () => {
  const m = shapesAndParams(buildSmallCnn());
  assert.deepEqual(m.shapes, [[28, 28, 32], [14, 14, 32], [14, 14, 64], [7, 7, 64], [3136], [3136], [128], [128], [10]]);
  assert.deepEqual(m.params, [conv(3, 1, 32), 0, conv(3, 32, 64), 0, 0, 0, dense(64 * 7 * 7, 128), 0, dense(128, 10)]);
  assert.equal(m.total, 421_642);
});

test("LeNet-5 on 32×32 padded input, C3 fully connected", () => {
  const m = shapesAndParams(buildLeNet5());
  assert.deepEqual(m.shapes, [[32, 32, 1], [28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [1, 1, 120], [120], [84], [10]]);
  // Full C3: each of the 16 maps sees all 6 input maps (5·5·6·16 + 16 = 2416; the paper's partial table has 1516).
  assert.deepEqual(m.params, [0, conv(5, 1, 6), 0, conv(5, 6, 16), 0, conv(5, 16, 120), 0, dense(120, 84), dense(84, 10)]);
  assert.equal(m.params[3], 2416);
  assert.equal(m.total, 61_706);
});

test("Keras-style CNN, valid 3×3 convolutions: 28 → 26 → 13 → 11 → 5 → 3, flatten 64·3·3 = 576", () => {
  const m = shapesAndParams(buildKerasCnn());
  assert.deepEqual(m.shapes, [[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [3, 3, 64], [576], [128], [128], [10]]);
  assert.equal(m.total, conv(3, 1, 32) + conv(3, 32, 64) + conv(3, 64, 64) + dense(576, 128) + dense(128, 10)); // 130,890
});

test("two unpadded 5×5 convs with pools give 4×4, the fix for source article 003", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5 }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5 }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
    ],
  });
  assert.deepEqual(layerTable(model).at(-1)!.outputShape, [64 * 4 * 4]);
});

test("the same seed gives the same initial weights", () => {
  const a = buildSmallCnn({ seed: 7 }).getWeights()[0].dataSync();
  const b = buildSmallCnn({ seed: 7 }).getWeights()[0].dataSync();
  const c = buildSmallCnn({ seed: 8 }).getWeights()[0].dataSync();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("every model maps a batch of digits to probabilities", () => {
  for (const build of [buildMlp, buildSmallCnn, buildLeNet5, buildKerasCnn]) {
    const p = build({ seed: 1 }).predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
    assert.deepEqual(p.shape, [2, 10]);
    const sums = p.sum(1).dataSync();
    sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  }
});

test("dropout draws a new mask on every training call, also in a seeded model", () => {
  for (const model of [buildMlp({ seed: 1 }), buildSmallCnn({ seed: 1 }), buildKerasCnn({ seed: 1 })]) {
    const masks = [0, 1].map(() =>
      model.layers
        .filter((l) => l.getClassName() === "Dropout")
        .map((layer) => tf.tidy(() => Array.from((layer.apply(tf.ones([64, 100]), { training: true }) as tf.Tensor).dataSync()))),
    );
    assert.ok(masks[0].length > 0, `${model.name} has dropout layers`);
    masks[0].forEach((first, i) => assert.notDeepEqual(first, masks[1][i], `${model.name}: layer ${i} repeated its mask`));
  }
});
