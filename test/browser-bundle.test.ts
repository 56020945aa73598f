// The course's helpers run in a web page too (the groundwork for live cells on the site): the compiled
// helpers a training notebook imports are bundled for the browser with esbuild, which swaps in
// src/platform.browser.ts through package.json's "browser" field, and the bundle trains a model in
// Debian's Chromium, its display output arriving through `setDisplayWriter` as it would in a kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { serveStatic } from "../scripts/site/static-server";
import { collectProblems, launchChromium } from "./site-browser";

const ROOT = path.resolve(__dirname, "..");
const dist = (m: string) => JSON.stringify(path.join(ROOT, "dist", `${m}.js`));

// What a notebook cell does, with the page as its output.
const ENTRY = `
import * as tf from "@tensorflow/tfjs";
import { setDisplayWriter, showTable, showPng, inKernel } from ${dist("display")};
import { lineChart, showFigure } from ${dist("plots")};
import { trainWithProgress } from ${dist("train")};
import { buildMlp } from ${dist("models")};
import { report } from ${dist("report")};
import { accuracy, argmaxRows } from ${dist("metrics")};

window.runCells = async () => {
  const messages = [];
  setDisplayWriter((msg, update) => messages.push({ data: msg.data, update, id: msg.transient.display_id ?? null }));
  await tf.setBackend("cpu");
  const model = buildMlp({ seed: 1 });
  const labels = Int32Array.from({ length: 96 }, (_, i) => i % 10);
  // Digit l lights rows 2l and 2l + 1: easy to learn in a few epochs.
  const pixels = new Float32Array(96 * 784);
  labels.forEach((l, i) => pixels.fill(1, i * 784 + 2 * l * 28, i * 784 + (2 * l + 2) * 28));
  const x = tf.tensor4d(pixels, [96, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  const history = await trainWithProgress(model, x, y, { epochs: 8, batchSize: 16, learningRate: 1e-2, seed: 1, title: "MLP in the page" });
  const predicted = argmaxRows(model.predict(x).dataSync(), 10);
  showFigure(lineChart([{ name: "loss", y: history.loss }], { title: "loss per epoch" }));
  showTable(["<b>model</b>", "loss"], [["mlp", history.loss[1]]]);
  showPng(new Uint8Array([137, 80, 78, 71]), "four bytes");
  report({ epochs: history.loss.length, dataset: "page" });
  return { messages, loss: history.loss, trainAccuracy: accuracy(labels, predicted), inKernel: inKernel(), backend: tf.getBackend() };
};
`;

test("the helpers bundle for the browser without Node built-ins and train a model in Chromium, displays included", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "browser-bundle-"));
  writeFileSync(path.join(dir, "entry.js"), ENTRY);
  const result = await build({
    entryPoints: [path.join(dir, "entry.js")],
    bundle: true,
    platform: "browser",
    format: "esm",
    outfile: path.join(dir, "bundle.js"),
    nodePaths: [path.join(ROOT, "node_modules")],
    logLevel: "silent",
    metafile: true,
  });
  assert.deepEqual(result.errors, []);
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith("dist/platform.browser.js")), "the browser platform module is bundled");
  assert.ok(!inputs.some((f) => f.endsWith("dist/platform.js") || f.includes("node_modules/tslab/")), `no Node platform module and no tslab: ${inputs.filter((f) => /platform|tslab/.test(f))}`);
  assert.ok(!readFileSync(path.join(dir, "bundle.js"), "utf8").includes('require("node:'), "no node: built-in left in the bundle");

  writeFileSync(path.join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>cells</title><link rel="icon" href="data:,"><script type="module" src="bundle.js"></script>`);
  const server = await serveStatic(dir, 0);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = collectProblems(page);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction("typeof window.runCells === 'function'", undefined, { timeout: 30_000 });
    type Message = { data: Record<string, unknown>; update: boolean; id: string | null };
    const run = (await page.evaluate("window.runCells()")) as { messages: Message[]; loss: number[]; trainAccuracy: number; inKernel: boolean; backend: string };
    assert.deepEqual(problems, []);
    assert.equal(run.backend, "cpu");
    assert.equal(run.inKernel, true, "a writer set with setDisplayWriter counts as somewhere to display");
    assert.equal(run.loss.length, 8);
    assert.ok(run.loss.every(Number.isFinite) && run.loss[7] < run.loss[0], `loss falls: ${run.loss}`);
    assert.ok(run.trainAccuracy > 0.9, `the model learned something: ${run.trainAccuracy}`);

    // Training progress: one display id, created once, then updated in place.
    const progress = run.messages.filter((m) => String(m.data["text/plain"] ?? "").startsWith("MLP in the page "));
    assert.ok(progress.length >= 2 && progress[0].id && progress.every((m) => m.id === progress[0].id), "progress redrawn under one id");
    assert.deepEqual(progress.map((m) => m.update), [false, ...progress.slice(1).map(() => true)]);
    // Figures carry plotly JSON and an HTML twin that relies on the page's plotly.js, not an inlined copy.
    const figures = run.messages.filter((m) => "application/vnd.plotly.v1+json" in m.data);
    assert.ok(figures.length >= 2, "live training curves and the line chart");
    for (const f of figures) assert.ok(String(f.data["text/html"]).length < 20_000, "no plotly.js inlined in a page");
    // Tables escape their text; PNGs travel as base64; metrics in their own MIME type.
    const table = run.messages.find((m) => String(m.data["text/html"] ?? "").startsWith("<table>"));
    assert.match(String(table?.data["text/html"]), /<th>&lt;b&gt;model&lt;\/b&gt;<\/th>/);
    assert.equal(run.messages.find((m) => "image/png" in m.data)?.data["image/png"], "iVBORw==");
    assert.deepEqual(run.messages.find((m) => "application/vnd.course.metrics+json" in m.data)?.data["application/vnd.course.metrics+json"], { epochs: 8, dataset: "page" });
  } finally {
    await browser.close();
    server.close();
  }
});
