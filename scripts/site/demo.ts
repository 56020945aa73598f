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

export function demoScripts(hasModel: boolean): string[] {
  return hasModel ? ["assets/vendor/tf.min.js", "assets/mnist-preprocess.js", `${MODEL_SITE_DIR}/model.js`, "assets/demo.js"] : [];
}

/** `trainingPage`: href of the training notebook's page when the site has one. */
export function renderDemo(hasModel: boolean, trainingPage?: string): string {
  const intro = `<h1 id="draw-a-digit">Draw a digit</h1>`;
  const notebook = trainingPage ? `<a href="${trainingPage}">${TRAINING_NOTEBOOK}</a>` : `<code>${TRAINING_NOTEBOOK}</code>`;
  if (!hasModel) {
    return `${intro}
<div class="alert warning" id="no-model" role="alert"><strong>No trained model yet.</strong>
Run the notebook ${notebook} (for example <code>npm run notebooks</code>), which saves the CNN to
<code>models/digit-cnn/</code>, then rebuild the site with <code>npm run site</code>.</div>`;
  }
  return `${intro}
<p>Draw a single digit, large, in the black square. The CNN trained in ${notebook}
runs in your browser with TensorFlow.js. Your drawing is prepared the way MNIST was made: cropped to its bounding box,
scaled into a 20×20 box, and placed in a 28×28 image by its centre of mass.</p>
<div class="demo">
<div class="demo-draw">
<canvas id="pad" width="280" height="280" aria-label="Drawing area"></canvas>
<div class="demo-buttons"><button type="button" id="clear">Clear</button></div>
<p class="demo-status" id="status">Loading the model…</p>
</div>
<div class="demo-result">
<p class="prediction">Prediction: <strong id="prediction">–</strong></p>
<figure><canvas id="preview" width="28" height="28"></canvas><figcaption>What the network sees (28×28)</figcaption></figure>
<ol class="bars" id="bars" aria-label="Class probabilities"></ol>
</div>
</div>`;
}
