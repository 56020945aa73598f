// The draw-a-digit demo in a real browser: a tiny CNN trained here, saved in tfjs format, built into the site;
// a "1" is drawn with mouse events and the page must show the predicted class and 10 probabilities.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import * as tf from "@tensorflow/tfjs";
import type { Browser } from "playwright-core";
import { buildFixtureSite } from "./site-fixture";
import { serveStatic } from "../scripts/site/static-server";
import { collectProblems, launchChromium } from "./site-browser";
import { PAD, drawStroke, preprocess, seeded, syntheticDigit } from "./site-digits";

let work: string;
let siteDir: string;
let server: Server;
let browser: Browser;

/** 28×28 inputs made by the page's own preprocessing from synthetic strokes, labels 0, 1 and 7. */
function trainingSet(perClass: number) {
  const random = seeded(42);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < perClass; i++) {
    for (const label of [0, 1, 7] as const) {
      xs.push(...preprocess.toMnist(drawStroke(syntheticDigit(label, random), 8 + random() * 6), PAD, PAD)!);
      ys.push(label);
    }
  }
  return { xs: tf.tensor4d(xs, [ys.length, 28, 28, 1]), ys: tf.oneHot(tf.tensor1d(ys, "int32"), 10) };
}

async function trainAndSave(modelDir: string): Promise<void> {
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 5, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 4 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const { xs, ys } = trainingSet(40);
  const history = await model.fit(xs, ys, { epochs: 12, batchSize: 16, shuffle: true, verbose: 0 });
  const accuracy = history.history.acc.at(-1) as number;
  assert.ok(accuracy > 0.9, `the tiny demo model should learn the synthetic digits (accuracy ${accuracy})`);
  fs.mkdirSync(modelDir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest = [{ paths: ["weights.bin"], weights: artifacts.weightSpecs! }];
      const modelJson = { format: "layers-model", generatedBy: "site-demo test", modelTopology: artifacts.modelTopology, weightsManifest };
      fs.writeFileSync(path.join(modelDir, "model.json"), JSON.stringify(modelJson));
      fs.writeFileSync(path.join(modelDir, "weights.bin"), Buffer.from(artifacts.weightData as ArrayBuffer));
      fs.writeFileSync(path.join(modelDir, "metadata.json"), JSON.stringify({ labels: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "site-demo-"));
  await trainAndSave(path.join(work, "models/digit-cnn"));
  siteDir = path.join(work, "site");
  const summary = buildFixtureSite(siteDir, path.join(work, "models/digit-cnn"));
  assert.equal(summary.hasModel, true);
  server = await serveStatic(siteDir, 0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

for (const mode of ["file", "http"] as const) {
  test(`drawing a "1" with the mouse shows the predicted class and 10 probabilities (${mode}://)`, async () => {
    const base = mode === "file" ? pathToFileURL(siteDir + "/").href : `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(base + "demo.html");
    await page.waitForFunction(() => document.getElementById("status")!.textContent!.startsWith("Model ready"), undefined, { timeout: 30_000 });
    assert.equal(await page.textContent("#prediction"), "–");

    const box = (await page.locator("#pad").boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let step = 1; step <= 20; step++) await page.mouse.move(x + step * 0.3, box.y + box.height * (0.2 + (0.6 * step) / 20));
    await page.mouse.up();

    await page.waitForFunction(() => document.getElementById("prediction")!.textContent !== "–", undefined, { timeout: 10_000 });
    assert.equal(await page.textContent("#prediction"), "1");
    const values = await page.locator("#bars .value").allTextContents();
    assert.equal(values.length, 10);
    const probabilities = values.map((v) => parseFloat(v));
    assert.ok(probabilities.every((p) => p >= 0 && p <= 100), values.join(" "));
    assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 100) < 1, `probabilities sum to 100%: ${values.join(" ")}`);
    assert.equal(await page.locator("#bars li.top .label").textContent(), "1");
    // What the network saw has ink, centred as MNIST.
    const inked = await page.evaluate(() => {
      const data = (document.getElementById("preview") as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 28, 28).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 128) n++;
      return n;
    });
    assert.ok(inked > 10, `the 28×28 preview shows the stroke (${inked} bright pixels)`);

    await page.click("#clear");
    assert.equal(await page.textContent("#prediction"), "–");
    assert.deepEqual(problems, []);
    fs.mkdirSync(path.resolve(__dirname, "../build/screenshots"), { recursive: true });
    if (mode === "http") {
      await page.mouse.move(x, box.y + box.height * 0.2);
      await page.mouse.down();
      for (let step = 1; step <= 20; step++) await page.mouse.move(x + step * 0.3, box.y + box.height * (0.2 + (0.6 * step) / 20));
      await page.mouse.up();
      await page.waitForFunction(() => document.getElementById("prediction")!.textContent !== "–");
      await page.screenshot({ path: path.resolve(__dirname, "../build/screenshots/demo-with-model-light-desktop.png"), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.click(".theme-toggle");
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(widths[0] <= widths[1], `no horizontal scroll on a phone: ${widths}`);
      await page.screenshot({ path: path.resolve(__dirname, "../build/screenshots/demo-with-model-dark-phone.png"), fullPage: true });
    }
    await context.close();
  });
}

test("drawing with a finger on a phone works too (touch events)", async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(base + "demo.html");
  await page.waitForFunction(() => document.getElementById("status")!.textContent!.startsWith("Model ready"), undefined, { timeout: 30_000 });
  // With the pad on screen, the probability bars are on screen too (beside it, not below the fold).
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const [padBox, barsBox] = [(await page.locator("#pad").boundingBox())!, (await page.locator("#bars").boundingBox())!];
  assert.ok(barsBox.y + barsBox.height <= 844 && padBox.y >= 0, `pad at ${padBox.y}..${padBox.y + padBox.height}, bars at ${barsBox.y}..${barsBox.y + barsBox.height} in an 844 px screen`);
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = (await page.locator("#pad").boundingBox())!;
  const cdp = await context.newCDPSession(page);
  const touch = (type: "touchStart" | "touchMove" | "touchEnd", y: number) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x: box.x + box.width / 2, y: box.y + box.height * y }] });
  // Upwards, as a page would scroll under a finger if the pad let it.
  await touch("touchStart", 0.8);
  for (let step = 1; step <= 20; step++) await touch("touchMove", 0.8 - (0.6 * step) / 20);
  await touch("touchEnd", 0.2);
  await page.waitForFunction(() => document.getElementById("prediction")!.textContent !== "–", undefined, { timeout: 10_000 });
  assert.equal(await page.textContent("#prediction"), "1");
  assert.equal(await page.evaluate(() => window.scrollY), 0, "drawing does not scroll the page");
  assert.deepEqual(problems, []);
  await context.close();
});
