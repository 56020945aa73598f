// initBackend inside a real tslab kernel (via `jupyter nbconvert --execute`): the compiled dist/backend loads the
// threaded wasm build and a conv model trains on it from a notebook cell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { installKernelspec, jupyterPython, which } from "../scripts/runner/kernelspec";
import { ensureBuilt } from "../scripts/runner/build";

const ROOT = path.resolve(__dirname, "..");
const python = jupyterPython();
const skip = !which("jupyter-nbconvert") || !python ? "jupyter nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient)" : false;

const cells = [
  `import * as tf from "@tensorflow/tfjs";\nimport { initBackend } from "../../dist/backend";\nconst info = await initBackend();`,
  `const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu" }),
  tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: "softmax" })] });
model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
const h = await model.fit(tf.randomUniform([16, 8, 8, 1]), tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "int32"), 2), { epochs: 2, verbose: 0 });
console.log(\`trained on \${tf.getBackend()} with \${info.threads} threads, loss finite: \${(h.history.loss as number[]).every(Number.isFinite)}\`);`,
];

test("a tslab notebook initialises the backend from dist/ and trains a CNN on it", { skip }, () => {
  ensureBuilt(ROOT);
  const prefix = mkdtempSync(path.join(tmpdir(), "kernelspec-"));
  const install = installKernelspec(ROOT, python!, `--prefix=${prefix}`);
  assert.ok(install.ok, install.output);
  // Two levels below the repo root, like notebooks/, so "../../dist/backend" mirrors "../dist/backend".
  const dir = path.join(ROOT, "build", `tslab-backend-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const notebook = path.join(dir, "backend.ipynb");
  const source = (code: string) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: code });
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } }, cells: cells.map(source) };
  writeFileSync(notebook, JSON.stringify(nb));
  try {
    const run = spawnSync(
      "jupyter",
      ["nbconvert", "--to", "notebook", "--execute", "--inplace", "--ExecutePreprocessor.kernel_name=tslab", "--ExecutePreprocessor.timeout=300", notebook],
      { env: { ...process.env, TFJS_BACKEND: "", JUPYTER_PATH: path.join(prefix, "share", "jupyter") }, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const executed = JSON.parse(readFileSync(notebook, "utf8"));
    const text = executed.cells.flatMap((c: { outputs: { text?: string | string[] }[] }) => c.outputs.map((o) => [o.text ?? ""].flat().join("")));
    assert.match(text.join(""), /^tfjs \d+\.\d+\.\d+ on wasm: \d+ threads?, SIMD\n/m, "the summary line");
    assert.match(text.join(""), /trained on wasm with \d+ threads, loss finite: true/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
