// Saving and loading trained models on disk: the standard tfjs layers format (model.json +
// weights.bin, loadable by tf.loadLayersModel in a browser) plus metadata.json describing the run.
// tfjs-node's file:// handler is not available on the wasm/cpu backends, so this module writes the
// files itself. A save goes to a temporary folder that then replaces models/<name>/ in one rename,
// so a reader never sees a half-written model.

import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

/** What the caller knows about the run; saveModel adds backend and date. */
export interface RunInfo {
  dataset: string;
  profile: string;
  accuracy: number;
  [extra: string]: unknown;
}

export interface ModelMetadata extends RunInfo {
  backend: string;
  /** ISO 8601 time of saving. */
  date: string;
}

export const MODELS_DIR = path.resolve(__dirname, "..", "models");
export const DEFAULT_MODEL = "digit-cnn";

/** models/<name>/ under the repository root (or `name` itself if it is a path). */
export function modelDir(name = DEFAULT_MODEL): string {
  return name.includes("/") || name.includes(path.sep) ? path.resolve(name) : path.join(MODELS_DIR, name);
}

/** Where the model lives, for people: "models/<name>/" (relative to the repository). */
export function modelLocation(name = DEFAULT_MODEL): string {
  return name.includes("/") || name.includes(path.sep) ? name : `models/${name}/`;
}

/** Saves model + metadata (backend and date are filled in) to models/<name>/; returns the folder. */
export async function saveModel(model: tf.LayersModel, metadata: RunInfo, name = DEFAULT_MODEL): Promise<string> {
  const dir = modelDir(name);
  const temp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  fs.rmSync(temp, { recursive: true, force: true });
  fs.mkdirSync(temp, { recursive: true });
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
        const modelJson = {
          format: "layers-model",
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        };
        fs.writeFileSync(path.join(temp, "weights.bin"), Buffer.from(weights));
        fs.writeFileSync(path.join(temp, "model.json"), JSON.stringify(modelJson));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength } };
      }),
    );
    const full: ModelMetadata = { ...metadata, backend: tf.getBackend(), date: new Date().toISOString() };
    fs.writeFileSync(path.join(temp, "metadata.json"), JSON.stringify(full, null, 2) + "\n");
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    fs.renameSync(temp, dir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    if (!fs.existsSync(dir) && fs.existsSync(old)) fs.renameSync(old, dir);
    throw err;
  }
  return dir;
}

/** The metadata of a saved model, or null when there is none. */
export function readMetadata(name = DEFAULT_MODEL): ModelMetadata | null {
  const file = path.join(modelDir(name), "metadata.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ModelMetadata) : null;
}

/** Loads models/<name>/ back into a LayersModel, with its metadata. */
export async function loadModel(name = DEFAULT_MODEL): Promise<{ model: tf.LayersModel; metadata: ModelMetadata | null }> {
  const dir = modelDir(name);
  const jsonFile = path.join(dir, "model.json");
  if (!fs.existsSync(jsonFile)) throw new Error(`No saved model in ${dir}: run notebooks/04-training-a-cnn.ipynb first (it saves models/${DEFAULT_MODEL}/).`);
  const json = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as tf.io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const buffers = manifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    const bytes = Buffer.concat(buffers);
    const specs = manifest.flatMap((group) => group.weights);
    return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
  });
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  return { model, metadata: readMetadata(name) };
}
