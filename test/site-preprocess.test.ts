// The demo's MNIST-style preprocessing (the browser asset itself, run in Node): 20×20 box, centre of mass, 28×28.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PAD, drawStroke, preprocess } from "./site-digits";

test("a blank pad gives no input", () => {
  assert.equal(preprocess.toMnist(new Float32Array(PAD * PAD), PAD, PAD), null);
});

test("a tall stroke is scaled so its longer side is 20 px, inside 28×28 with values in 0..1", () => {
  const input = preprocess.toMnist(drawStroke([[100, 30], [110, 250]], 10), PAD, PAD)!;
  assert.equal(input.length, 784);
  const box = preprocess.boundingBox(input, 28, 28)!;
  assert.equal(box.height, 20);
  assert.ok(box.width >= 1 && box.width <= 4, `a thin stroke stays thin: ${box.width} px`);
  assert.equal(Math.max(...input), 1);
  assert.ok(Math.min(...input) >= 0);
});

test("the centre of mass lands in the middle of the 28×28 image", () => {
  // An "L": its centre of mass is off the centre of its bounding box, as in many digits.
  const input = preprocess.toMnist(drawStroke([[60, 40], [60, 240], [220, 240]], 12), PAD, PAD)!;
  const com = preprocess.centreOfMass(input, 28, 28);
  assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, `centre of mass at (${com.x.toFixed(2)}, ${com.y.toFixed(2)})`);
  const box = preprocess.boundingBox(input, 28, 28)!;
  const boxCentre = box.x + box.width / 2;
  assert.ok(boxCentre > 14.5, `the bounding box is shifted right of centre (${boxCentre}) to centre the mass`);
});

test("where and how large the digit was drawn does not matter", () => {
  const small = preprocess.toMnist(drawStroke([[20, 20], [20, 70], [60, 70]], 3), PAD, PAD)!;
  const large = preprocess.toMnist(drawStroke([[100, 40], [100, 240], [260, 240]], 12), PAD, PAD)!;
  const diff = small.reduce((sum, v, i) => sum + Math.abs(v - large[i]), 0) / 784;
  assert.ok(diff < 0.08, `mean absolute difference ${diff.toFixed(3)}`);
});
