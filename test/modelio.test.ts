// Saving and loading a model: files on disk, same predictions after loading, metadata, replacement.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { saveModel, loadModel, readMetadata } from "../src/modelio";
import { buildLeNet5 } from "../src/models";

let dir: string;
before(async () => {
  await tf.setBackend("cpu");
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "modelio-")), "digit-cnn");
});
after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

test("save writes model.json, weights.bin and metadata.json; load predicts the same", async () => {
  const model = buildLeNet5({ seed: 3 });
  await saveModel(model, { dataset: "digits-opencv", profile: "quick", accuracy: 0.97 }, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["metadata.json", "model.json", "weights.bin"]);
  const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  assert.equal(json.format, "layers-model");
  assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
  assert.equal(fs.statSync(path.join(dir, "weights.bin")).size, 61_706 * 4);

  const { model: loaded, metadata } = await loadModel(dir);
  assert.equal(metadata?.dataset, "digits-opencv");
  assert.equal(metadata?.backend, "cpu");
  assert.ok(!Number.isNaN(Date.parse(metadata!.date)));
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 1);
  assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
});

test("saving again replaces the folder and leaves no temp folders", async () => {
  await saveModel(buildLeNet5({ seed: 4 }), { dataset: "mnist", profile: "full", accuracy: 0.99 }, dir);
  assert.equal(readMetadata(dir)?.dataset, "mnist");
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ["digit-cnn"]);
});

test("loading a missing model names the notebook to run", async () => {
  await assert.rejects(loadModel(path.join(path.dirname(dir), "nothing")), /run notebooks\/04-training-a-cnn\.ipynb/);
  assert.equal(readMetadata(path.join(path.dirname(dir), "nothing")), null);
});
