import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Split, concatSplits, filterClasses, seededShuffle, takePerClass, trainValSplit } from "../src/splits";
import { oneHot, toImageTensor } from "../src/dataset-tensors";
import { seededPermutation } from "../src/seeded-random";

// 50 examples, labels 0..9 five times; image i is filled with the value i, so pairs can be traced.
const N = 50;
const split: Split = {
  images: Uint8Array.from({ length: N * 784 }, (_, k) => Math.floor(k / 784)),
  labels: Uint8Array.from({ length: N }, (_, i) => i % 10),
  count: N,
};
const idOf = (s: Split, k: number) => s.images[k * 784];
const pairsIntact = (s: Split) => {
  for (let k = 0; k < s.count; k++) {
    const id = idOf(s, k);
    assert.ok(s.images.subarray(k * 784, (k + 1) * 784).every((v) => v === id), `image ${k} is whole`);
    assert.equal(s.labels[k], id % 10, `image ${k} kept its label`);
  }
};

test("seededPermutation is a permutation, fixed by its seed", () => {
  const p = seededPermutation(1000, 7);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, seededPermutation(1000, 7));
  assert.notDeepEqual(p, seededPermutation(1000, 8));
});

test("seededShuffle moves images and labels together, reproducibly", () => {
  const a = seededShuffle(split, 42);
  pairsIntact(a);
  assert.deepEqual(a, seededShuffle(split, 42));
  assert.notDeepEqual(a.labels, split.labels);
  assert.deepEqual(Array.from({ length: N }, (_, k) => idOf(a, k)).sort((x, y) => x - y), Array.from({ length: N }, (_, i) => i));
});

test("trainValSplit holds out a disjoint, seeded fraction", () => {
  const { train, val } = trainValSplit(split, 0.2, 1);
  assert.equal(train.count, 40);
  assert.equal(val.count, 10);
  pairsIntact(train);
  pairsIntact(val);
  const ids = new Set([...Array.from({ length: 40 }, (_, k) => idOf(train, k)), ...Array.from({ length: 10 }, (_, k) => idOf(val, k))]);
  assert.equal(ids.size, N);
  assert.deepEqual(trainValSplit(split, 0.2, 1).val, val);
  assert.throws(() => trainValSplit(split, 1.5, 1), /valFraction/);
});

test("filterClasses keeps a subset, optionally relabelled to 0..k-1", () => {
  const low = filterClasses(split, [0, 1, 2, 3, 4]);
  assert.equal(low.count, 25);
  assert.ok(low.labels.every((l) => l <= 4));
  pairsIntact(low);
  const high = filterClasses(split, [5, 6, 7, 8, 9], { relabel: true });
  assert.equal(high.count, 25);
  for (let k = 0; k < high.count; k++) assert.equal(high.labels[k], (idOf(high, k) % 10) - 5);
});

test("takePerClass takes a label budget from each class", () => {
  const few = takePerClass(split, 2);
  assert.equal(few.count, 20);
  pairsIntact(few);
});

test("toImageTensor gives [N,28,28,1] float32 in 0..1", () => {
  const images = Uint8Array.from({ length: 3 * 784 }, (_, k) => [0, 255, 51][Math.floor(k / 784)]);
  const t = toImageTensor(images);
  assert.deepEqual(t.shape, [3, 28, 28, 1]);
  assert.equal(t.dtype, "float32");
  const v = t.dataSync();
  assert.deepEqual([v[0], v[784], v[2 * 784 + 5]], [0, 1, Math.fround(0.2)]);
  assert.deepEqual(toImageTensor(images, 2).shape, [2, 28, 28, 1]);
  assert.throws(() => toImageTensor(images, 4), /hold no 4 images/);
  t.dispose();
});

test("oneHot encodes labels as rows of a [N, classes] matrix", () => {
  const t = oneHot(Uint8Array.from([2, 0, 1]), 3);
  assert.deepEqual(t.arraySync(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  assert.equal(t.dtype, "float32");
  assert.throws(() => oneHot(Uint8Array.from([3]), 3), /label 3 at index 0/);
  tf.dispose(t);
});

test("concatSplits puts the examples one after another, images and labels together", () => {
  const one = (label: number, count: number): Split => ({ images: new Uint8Array(count * 784).fill(label * 10), labels: new Uint8Array(count).fill(label), count });
  const all = concatSplits(one(1, 2), one(2, 0), one(3, 1));
  assert.equal(all.count, 3);
  assert.deepEqual([...all.labels], [1, 1, 3]);
  assert.deepEqual([all.images[0], all.images[2 * 784 - 1], all.images[2 * 784], all.images.length], [10, 10, 30, 3 * 784]);
});
