// The draw-a-digit page: copies the trained tfjs model into the site as files and as one script,
// so the browser can load it from file:// too (Chromium blocks fetch() of file:// URLs).
import * as fs from "node:fs";
import * as path from "node:path";

export const TRAINING_NOTEBOOK = "04-training-a-cnn";
export const MODEL_SITE_DIR = "model/digit-cnn";

interface LayersModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: unknown[] }[];
}

/** Copy the model into `siteDir`; false when there is no trained model to copy. */
export function copyModel(modelDir: string, siteDir: string): boolean {
  const modelFile = path.join(modelDir, "model.json");
  if (!fs.existsSync(modelFile)) return false;
  const model = JSON.parse(fs.readFileSync(modelFile, "utf8")) as LayersModelJson;
  if (!model.modelTopology || !model.weightsManifest) {
    throw new Error(`${modelFile}: not a tfjs layers model (no modelTopology/weightsManifest); re-run notebook ${TRAINING_NOTEBOOK}`);
  }
  const outDir = path.join(siteDir, MODEL_SITE_DIR);
  fs.mkdirSync(outDir, { recursive: true });
  const files = ["model.json", ...model.weightsManifest.flatMap((group) => group.paths)];
  const metadataFile = path.join(modelDir, "metadata.json");
  const metadata = fs.existsSync(metadataFile) ? JSON.parse(fs.readFileSync(metadataFile, "utf8")) : {};
  if (fs.existsSync(metadataFile)) files.push("metadata.json");
  for (const file of files) fs.copyFileSync(path.join(modelDir, file), path.join(outDir, file));
  // Weight files concatenated in manifest order form the single buffer tf.io.fromMemory expects.
  const weights = Buffer.concat(model.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(modelDir, p))));
  const bundle = {
    modelTopology: model.modelTopology,
    weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.toString("base64"),
    metadata,
  };
  fs.writeFileSync(path.join(outDir, "model.js"), `window.DIGIT_MODEL = ${JSON.stringify(bundle)};\n`);
  return true;
}

/** The demo's scripts: tfjs, the preprocessing, the site's model (when it has one) and the page's code, which also
 *  finds a model trained live in this browser (notebook 04's page saves it to IndexedDB). */
export function demoScripts(hasModel: boolean): string[] {
  return ["assets/vendor/tf.min.js", "assets/mnist-preprocess.js", ...(hasModel ? [`${MODEL_SITE_DIR}/model.js`] : []), "assets/demo.js"];
}

/** What the saved model's metadata.json says about it, if anything (written by notebook 04's saveModel). */
export function readModelFacts(modelDir: string): { dataset?: string; accuracy?: number; model?: string } {
  const file = path.join(modelDir, "metadata.json");
  if (!fs.existsSync(file)) return {};
  const m = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  return {
    dataset: typeof m.dataset === "string" ? m.dataset : undefined,
    accuracy: typeof m.accuracy === "number" ? m.accuracy : undefined,
    model: typeof m.model === "string" ? m.model : undefined,
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `trainingPage`: href of the training notebook's page when the site has one; `facts` from readModelFacts. */
export function renderDemo(hasModel: boolean, trainingPage?: string, facts: ReturnType<typeof readModelFacts> = {}): string {
  const intro = `<h1 id="draw-a-digit">Draw a digit</h1>`;
  const notebook = trainingPage ? `<a href="${trainingPage}">${TRAINING_NOTEBOOK}</a>` : `<code>${TRAINING_NOTEBOOK}</code>`;
  const noModel = hasModel
    ? ""
    : `<div class="alert warning" id="no-model" role="alert"><strong>No trained model yet.</strong>
Run the notebook ${notebook}: on its page, with "Run all" (the model stays in this browser and this page finds it), or in
JupyterLab (for example <code>npm run notebooks</code>), which saves the CNN to <code>models/digit-cnn/</code>; then rebuild the
site with <code>npm run site</code>.</div>`;
  const which = facts.model ? `The ${escape(facts.model)} model` : "The CNN";
  const trained = facts.dataset ? ` was trained on <strong id="model-dataset">${escape(facts.dataset)}</strong>` : "";
  const scored = facts.accuracy !== undefined ? ` and scored <strong id="model-accuracy">${(100 * facts.accuracy).toFixed(2)}%</strong> on its test set` : "";
  return `${intro}${noModel}
<p${hasModel ? "" : " hidden"} id="model-facts">Draw a single digit, large, in the black square. <span id="model-origin">${which} from ${notebook}${trained}${scored}</span>;
it runs in your browser with TensorFlow.js. Your drawing is prepared the way MNIST was made: cropped to its bounding box,
scaled into a 20×20 box, and placed in a 28×28 image by its centre of mass. Your handwriting, mouse and screen are
a new distribution for the model (notebook 04, "Other people's handwriting"), so expect more mistakes than its test accuracy suggests.</p>
<div class="demo"${hasModel ? "" : " hidden"}>
<div class="demo-draw">
<canvas id="pad" width="280" height="280" aria-label="Drawing area"></canvas>
<div class="demo-buttons"><button type="button" id="clear">Clear</button> <button type="button" id="switch-model" hidden></button></div>
<p class="demo-status" id="status">Loading the model…</p>
</div>
<div class="demo-result">
<p class="prediction">Prediction: <strong id="prediction">–</strong></p>
<figure><canvas id="preview" width="28" height="28"></canvas><figcaption>What the network sees (28×28)</figcaption></figure>
<ol class="bars" id="bars" aria-label="Class probabilities"></ol>
</div>
</div>`;
}
