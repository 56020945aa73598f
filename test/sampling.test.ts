import { test } from "node:test";
import assert from "node:assert/strict";
import { argmax, drawIndex, makeSampler, softmaxWithTemperature, topKLogits } from "../src/sampling";
import { seededRandom } from "../src/seeded-random";

const LOGITS = [0.5, 2.0, -1.0, 1.5, 0.0, 1.9];

const draws = (sample: (l: number[]) => number, logits: number[], n: number) => Array.from({ length: n }, () => sample(logits));

test("greedy decoding is the argmax, and temperature 0 means greedy", () => {
  assert.equal(argmax(LOGITS), 1);
  assert.equal(argmax([3, 1, 3]), 0, "first on a tie");
  assert.deepEqual(new Set(draws(makeSampler({ temperature: 0 }), LOGITS, 50)), new Set([1]));
});

test("softmax with temperature: T = 1 is the plain softmax, small T approaches one-hot, large T approaches uniform", () => {
  const z = LOGITS.map(Math.exp);
  const total = z.reduce((a, b) => a + b, 0);
  softmaxWithTemperature(LOGITS, 1).forEach((p, i) => assert.ok(Math.abs(p - z[i] / total) < 1e-12));
  assert.ok(softmaxWithTemperature(LOGITS, 0.01)[1] > 0.99);
  softmaxWithTemperature(LOGITS, 1000).forEach((p) => assert.ok(Math.abs(p - 1 / 6) < 1e-3));
  assert.throws(() => softmaxWithTemperature(LOGITS, 0), /greedy/);
});

test("as the temperature falls, seeded draws approach greedy", () => {
  const agree = (t: number) => draws(makeSampler({ temperature: t, seed: 3 }), LOGITS, 2000).filter((i) => i === 1).length;
  const [hot, one, cold, frozen] = [3, 1, 0.3, 0.01].map(agree);
  assert.ok(hot < one && one < cold && cold < frozen, `${hot} < ${one} < ${cold} < ${frozen}`);
  assert.equal(frozen, 2000);
});

test("draws follow softmax(logits / T)", () => {
  const n = 20000;
  const counts = new Array(LOGITS.length).fill(0);
  for (const i of draws(makeSampler({ temperature: 2, seed: 11 }), LOGITS, n)) counts[i]++;
  const z = LOGITS.map((l) => Math.exp(l / 2));
  const total = z.reduce((a, b) => a + b, 0);
  counts.forEach((c, i) => assert.ok(Math.abs(c / n - z[i] / total) < 0.015, `token ${i}: ${c / n} vs ${z[i] / total}`));
});

test("top-k never picks outside the k largest logits, and does pick each of them", () => {
  assert.deepEqual(Array.from(topKLogits(LOGITS, 2)), [-Infinity, 2.0, -Infinity, -Infinity, -Infinity, 1.9]);
  const random = seededRandom(5);
  for (let trial = 0; trial < 20; trial++) {
    const logits = Array.from({ length: 30 }, () => random() * 4);
    const top3 = [...logits.keys()].sort((a, b) => logits[b] - logits[a]).slice(0, 3);
    const picked = new Set(draws(makeSampler({ topK: 3, temperature: 3, seed: trial }), logits, 300));
    assert.deepEqual([...picked].sort(), [...top3].sort());
  }
});

test("a seeded sampler repeats its choices; another seed makes others", () => {
  const run = (seed: number) => draws(makeSampler({ temperature: 1.5, topK: 4, seed }), LOGITS, 40);
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test("drawIndex inverts the cumulative distribution and never returns a zero-probability token", () => {
  const p = [0.25, 0, 0.5, 0.25, 0];
  assert.deepEqual([0, 0.24, 0.25, 0.74, 0.75, 0.999].map((u) => drawIndex(p, u)), [0, 0, 2, 2, 3, 3]);
  assert.equal(drawIndex([0.3, 0.3, 0.3999999, 0], 0.99999999), 2, "rounding below 1 falls back to the last possible token");
});
