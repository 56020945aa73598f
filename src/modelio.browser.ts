// The web page's side of src/modelio.ts: the same calls, with the browser's IndexedDB in place of models/<name>/.
// The model goes to `indexeddb://course-<name>` through tfjs's own handler and its metadata to localStorage, so
// `readMetadata` stays synchronous as in Node. A model saved by notebook 04 in a page is there for 06, 07, 08
// and the demo page on the same site.
import * as tf from "@tensorflow/tfjs";
import type { ModelMetadata, RunInfo } from "./modelio";

export type { ModelMetadata, RunInfo } from "./modelio";
export const DEFAULT_MODEL = "digit-cnn";

/** Where the model lives in this browser: the IndexedDB URL tfjs saves to and loads from. */
export function modelDir(name = DEFAULT_MODEL): string {
  return `indexeddb://course-${name}`;
}

/** Where the model lives, for people: this browser's IndexedDB. */
export function modelLocation(name = DEFAULT_MODEL): string {
  return `this browser's IndexedDB (${modelDir(name)})`;
}

const metadataKey = (name: string) => `course-model-metadata:${name}`;

/** Saves model + metadata (backend and date are filled in) to IndexedDB; returns where. */
export async function saveModel(model: tf.LayersModel, metadata: RunInfo, name = DEFAULT_MODEL): Promise<string> {
  const where = modelDir(name);
  await model.save(where); // one IndexedDB transaction: the old model stays until the new one is complete
  const full: ModelMetadata = { ...metadata, backend: tf.getBackend(), date: new Date().toISOString() };
  localStorage.setItem(metadataKey(name), JSON.stringify(full));
  return where;
}

/** The metadata of a model saved in this browser, or null when there is none. */
export function readMetadata(name = DEFAULT_MODEL): ModelMetadata | null {
  const text = localStorage.getItem(metadataKey(name));
  return text ? (JSON.parse(text) as ModelMetadata) : null;
}

/** Loads the model saved in this browser, with its metadata. */
export async function loadModel(name = DEFAULT_MODEL): Promise<{ model: tf.LayersModel; metadata: ModelMetadata | null }> {
  const where = modelDir(name);
  const saved = await tf.io.listModels();
  if (!(where in saved)) throw new Error(`No model saved in this browser at ${where}: run notebook 04 (04-training-a-cnn.html) in this browser first; it saves ${name}.`);
  return { model: await tf.loadLayersModel(where), metadata: readMetadata(name) };
}
