import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { applyAffine, augmentBatch, randomAffines } from "../src/augment";

const identity = { angleDeg: 0, dx: 0, dy: 0, scale: 1 };

/** A 5×5 single-channel image, zero except the pixel at column x, row y. */
function dot(x: number, y: number): tf.Tensor4D {
  const buf = tf.buffer([1, 5, 5, 1]);
  buf.set(1, 0, y, x, 0);
  return buf.toTensor() as tf.Tensor4D;
}

function brightest(img: tf.Tensor4D): [number, number] {
  const v = img.dataSync();
  const i = v.indexOf(Math.max(...v));
  return [i % 5, Math.floor(i / 5)]; // [x, y]
}

test("identity leaves the image unchanged", () => {
  const img = dot(1, 3);
  assert.deepEqual(Array.from(applyAffine(img, [identity]).dataSync()), Array.from(img.dataSync()));
});

test("a 90° counter-clockwise rotation moves a pixel to where it should go", () => {
  // (x=4, y=1) is 2 right of and 1 above the centre (2, 2); turned a quarter counter-clockwise on
  // screen it ends up 1 left of and 2 above the centre: (x=1, y=0).
  const out = applyAffine(dot(4, 1), [{ ...identity, angleDeg: 90 }], "nearest");
  assert.deepEqual(brightest(out), [1, 0]);
  assert.ok(Math.abs(out.sum().dataSync()[0] - 1) < 1e-6, "the pixel is moved, not smeared");
});

test("translation shifts by exact pixels, filling with zeros", () => {
  const out = applyAffine(dot(0, 0), [{ ...identity, dx: 3, dy: 2 }]);
  assert.deepEqual(brightest(out), [3, 2]);
  const gone = applyAffine(dot(4, 4), [{ ...identity, dx: 1 }]);
  assert.equal(gone.sum().dataSync()[0], 0, "a pixel shifted past the border disappears");
});

test("scale 2 doubles distances from the centre", () => {
  const out = applyAffine(dot(3, 2), [{ ...identity, scale: 2 }], "nearest");
  assert.equal(out.dataSync()[2 * 5 + 4], 1, "(3,2) is 1 right of centre → (4,2)");
});

test("random affines stay in range and are reproducible from the seed", () => {
  const a = randomAffines(200, { seed: 7 });
  assert.deepEqual(a, randomAffines(200, { seed: 7 }));
  assert.notDeepEqual(a, randomAffines(200, { seed: 8 }));
  for (const t of a) {
    assert.ok(Math.abs(t.angleDeg) <= 15 && Math.abs(t.dx) <= 3 && Math.abs(t.dy) <= 3);
    assert.ok(t.scale >= 0.9 && t.scale <= 1.1);
  }
  const spread = Math.max(...a.map((t) => t.angleDeg)) - Math.min(...a.map((t) => t.angleDeg));
  assert.ok(spread > 20, "angles cover most of ±15°");
});

test("augmentBatch keeps the batch shape", () => {
  const out = augmentBatch(tf.ones([3, 28, 28, 1]) as tf.Tensor4D, { seed: 1 });
  assert.deepEqual(out.shape, [3, 28, 28, 1]);
});
