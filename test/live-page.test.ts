// Live cells in a real browser: the site is built with its live bundle and data, served by `npm run serve`'s
// server (with the headers that allow wasm threads), and Debian's Chromium clicks the pages' own controls.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { serveLiveSite, runAll as runAllIn, type LiveSite } from "../scripts/site/live/drive";
import { entryFor, loadConfig } from "../scripts/runner/config";
import { checkMetrics, formatChecks } from "../scripts/runner/metrics";
import { collectProblems, launchChromium } from "./site-browser";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
let site: LiveSite;
let browser: Browser;
let base: string;

before(async () => {
  site = await serveLiveSite(NOTEBOOKS);
  assert.ok(site.assets.datasets.includes("mnist"), `the site carries MNIST (missing: ${site.assets.missingDatasets}); run npm run data`);
  base = site.base;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  site?.close();
});

async function open(name: string, context?: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = context ? await context.newPage() : await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = collectProblems(page);
  await page.goto(base + name);
  await page.waitForSelector(".live-bar .live-run-all");
  return { page, problems };
}

const status = (page: Page) => page.locator(".live-status").textContent();
const cellOutput = (page: Page, cell: number) => page.locator(`section.cell.code[data-cell="${cell}"] .outputs`).textContent();

/** Replaces a cell's code through its editor, as a reader would: Edit, select all, type. */
async function edit(page: Page, cell: number, code: string): Promise<void> {
  const section = page.locator(`section.cell.code[data-cell="${cell}"]`);
  if ((await section.locator(".cm-content").count()) === 0) await section.locator("button.live-edit").click();
  await section.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(code);
}

const runAll = async (page: Page, timeout: number) => (await runAllIn(page, timeout)).status;

test("Run all on 01 reads MNIST over HTTP and fills every output (tables, digits, a plotly figure) with no console errors", async () => {
  const { page, problems } = await open("01-idx-format.html");
  assert.match((await runAll(page, 120_000)), /^Ran all \d+ cells\.$/);
  assert.deepEqual(problems, []);
  assert.match((await cellOutput(page, 5)) ?? "", /Dataset: mnist/);
  assert.match((await cellOutput(page, 7)) ?? "", /compressed 9,801,223 bytes → 47,040,016 bytes of IDX/);
  assert.ok((await page.locator(".live-output table").count()) >= 2, "tables");
  assert.ok((await page.locator(".live-output .image-grid img").count()) >= 10, "the digit grid");
  assert.ok((await page.locator(".live-output .plotly-figure .main-svg").count()) >= 1, "the plotly figure is drawn");
  await page.close();
});

test("Run all on 03 trains on wasm with the course's kernels, on both cores when the page is cross-origin isolated", async () => {
  const { page, problems } = await open("03-cnn-from-scratch.html");
  assert.match((await runAll(page, 300_000)), /^Ran all \d+ cells\.$/);
  assert.deepEqual(problems, []);
  const text = (await page.locator("main").textContent()) ?? "";
  assert.match(text, /tfjs 4\.22\.0 on (wasm: 2 threads, SIMD|webgpu|webgl)/);
  assert.match(text, /Reported metrics/);
  await page.close();
});

test("a cell that throws shows its error and stops Run all there; an edited cell shows its new output; text stays escaped", async () => {
  const { page, problems } = await open("01-idx-format.html");
  const cells = await page.locator("section.cell.code[data-cell]").evaluateAll((s) => s.map((e) => Number((e as HTMLElement).dataset.cell)));
  const [, second, third] = cells;
  await edit(page, second, 'console.log("<script>window.__liveCellsXss = 1</script> <b>not bold</b>");\nthrow new Error("stop here");');
  const ran = await runAll(page, 60_000);
  assert.match(ran, /^Stopped: cell \[\d+\] raised an error/);
  const out = (await cellOutput(page, second)) ?? "";
  assert.match(out, /<script>window\.__liveCellsXss = 1<\/script> <b>not bold<\/b>/, "printed as text");
  assert.match(out, /Error: stop here/);
  assert.equal(await page.evaluate("window.__liveCellsXss"), undefined, "the printed script did not run");
  assert.equal(await page.locator(`section.cell.code[data-cell="${second}"] .outputs b`).count(), 0);
  assert.equal(await page.locator(`section.cell.code[data-cell="${third}"] .live-output`).count(), 0, "the cell after the error did not run");

  await edit(page, second, "const answer = 6 * 7;\nanswer");
  await page.locator(`section.cell.code[data-cell="${second}"] button.live-run`).click();
  await page.waitForFunction("!window.courseLive.busy()");
  assert.equal(((await cellOutput(page, second)) ?? "").trim(), "42");
  await page.locator(`section.cell.code[data-cell="${second}"] button.live-edit`).click(); // now "Reset"
  assert.match((await page.locator(`section.cell.code[data-cell="${second}"] .cm-content`).textContent()) ?? "", /import/, "Reset puts the course's code back");
  assert.deepEqual(problems, []);
  await page.close();
});

test("Restart forgets the cells' names and frees their tensors", async () => {
  const { page, problems } = await open("01-idx-format.html");
  const [first, second] = await page.locator("section.cell.code[data-cell]").evaluateAll((s) => s.map((e) => Number((e as HTMLElement).dataset.cell)));
  await edit(page, first, 'import * as tf from "@tensorflow/tfjs";\nconst kept = tf.ones([4]);\nkept.sum().dataSync()[0]');
  await page.locator(`section.cell.code[data-cell="${first}"] button.live-run`).click();
  await page.waitForFunction("!window.courseLive.busy()");
  assert.equal(((await cellOutput(page, first)) ?? "").trim(), "4");
  await page.locator(".live-restart").click();
  assert.match((await status(page)) ?? "", /^Restarted: every name the cells declared is gone and [1-9]\d* tensors were freed/);
  await edit(page, second, "typeof kept");
  await page.locator(`section.cell.code[data-cell="${second}"] button.live-run`).click();
  await page.waitForFunction("!window.courseLive.busy()");
  assert.equal(((await cellOutput(page, second)) ?? "").trim(), "undefined");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the setup notebook's page says why it does not run in the page", async () => {
  const { page } = { page: await browser.newPage() };
  await page.goto(base + "00-setup.html");
  assert.match((await page.locator(".live-status").textContent()) ?? "", /does not run in the page: it checks the Node\.js and Jupyter installation/);
  assert.equal(await page.locator(".live-run-all").count(), 0);
  await page.close();
});

/** The quick profile's metric checks for a notebook, on what its page reported. */
async function checkQuickMetrics(page: Page, notebook: string, dataset?: string): Promise<void> {
  const metrics = (await page.evaluate("window.courseLive.metrics()")) as Record<string, number | string | boolean>;
  const ranges = entryFor(loadConfig(path.join(NOTEBOOKS, "course.config.json")).profiles.quick.metrics, notebook);
  const checks = checkMetrics(metrics, ranges);
  if (dataset) assert.equal(metrics.dataset, dataset);
  assert.ok(checks.length > 0 && checks.every((c) => c.ok), `${notebook} in the page, quick parameters:\n${formatChecks(checks)}`);
}

test("Run all on 02 and 04 with the quick parameters meets the quick profile's metric ranges; 04's model lands in IndexedDB and the demo page uses it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const second = await open("02-features-and-labels.html", context);
    assert.match(await runAll(second.page, 600_000), /^Ran all \d+ cells\.$/);
    assert.deepEqual(second.problems, []);
    await checkQuickMetrics(second.page, "02-features-and-labels.ipynb", "mnist");
    await second.page.close();

    const fourth = await open("04-training-a-cnn.html", context);
    const started = Date.now();
    assert.match(await runAll(fourth.page, 1_500_000), /^Ran all \d+ cells\.$/);
    assert.deepEqual(fourth.problems, []);
    await checkQuickMetrics(fourth.page, "04-training-a-cnn.ipynb", "mnist");
    const metrics = (await fourth.page.evaluate("window.courseLive.metrics()")) as Record<string, number>;
    const seconds = Object.entries(metrics).filter(([k]) => k.startsWith("train_seconds_")).map(([k, v]) => `${k.slice("train_seconds_".length)} ${v.toFixed(1)} s`);
    console.log(`04 in the page (quick): Run all took ${((Date.now() - started) / 1000).toFixed(0)} s; training per model: ${seconds.join(", ")}`);
    assert.match((await fourth.page.locator("main").textContent()) ?? "", /saved to indexeddb:\/\/course-digit-cnn/);
    await fourth.page.close();

    // This site has no model of its own (built without models/), so what the demo finds is the one 04 just trained.
    const demo = await context.newPage();
    const problems = collectProblems(demo);
    await demo.goto(base + "demo.html");
    await demo.waitForFunction(() => document.getElementById("status")!.textContent!.startsWith("Model ready"), undefined, { timeout: 60_000 });
    const origin = (await demo.locator("#model-origin").textContent()) ?? "";
    assert.match(origin, new RegExp(`you trained in this browser with notebook 04's page on mnist \\(quick parameters\\), ${(100 * metrics.test_accuracy).toFixed(2)}% on its test set`));
    assert.equal(await demo.locator("#no-model").isHidden(), true);
    const box = (await demo.locator("#pad").boundingBox())!;
    const x = box.x + box.width / 2;
    await demo.mouse.move(x, box.y + box.height * 0.2);
    await demo.mouse.down();
    for (let step = 1; step <= 20; step++) await demo.mouse.move(x + step * 0.3, box.y + box.height * (0.2 + (0.6 * step) / 20));
    await demo.mouse.up();
    await demo.waitForFunction(() => document.getElementById("prediction")!.textContent !== "–", undefined, { timeout: 10_000 });
    assert.match((await demo.textContent("#prediction")) ?? "", /^\d$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("Run all on 09 trains the tiny GPT on the corpora the site serves, within the quick profile's ranges", async () => {
  const { page, problems } = await open("09-a-tiny-language-model.html");
  assert.match(await runAll(page, 900_000), /^Ran all \d+ cells\.$/);
  assert.deepEqual(problems, []);
  await checkQuickMetrics(page, "09-a-tiny-language-model.ipynb");
  await page.close();
});

test("the parameters switch: quick values by default, said under the parameters cell; the course's own with 'full'", async () => {
  const { page, problems } = await open("04-training-a-cnn.html");
  const parameters = page.locator('section.cell.code[data-tags~="parameters"]');
  const index = Number(await parameters.getAttribute("data-cell"));
  await parameters.locator("button.live-run").click();
  await page.waitForFunction("!window.courseLive.busy()");
  assert.match((await cellOutput(page, index)) ?? "", /quick parameters for this page: .*TRAIN_LIMIT = 15000/);
  assert.equal(await page.evaluate("window.courseLive.runtime.names().includes('TRAIN_LIMIT')"), true);
  await page.locator(".live-bar select").selectOption("full");
  await parameters.locator("button.live-run").click();
  await page.waitForFunction("!window.courseLive.busy()");
  assert.doesNotMatch((await cellOutput(page, index)) ?? "", /quick parameters/);
  const next = page.locator("section.cell.code[data-cell]").nth(1);
  await edit(page, Number(await next.getAttribute("data-cell")), "TRAIN_LIMIT");
  await next.locator("button.live-run").click();
  await page.waitForFunction("!window.courseLive.busy()");
  assert.equal(((await next.locator(".outputs").textContent()) ?? "").trim(), "0", "the notebook's own default: all training images");
  assert.deepEqual(problems, []);
  await page.close();
});

test("served without the isolation headers, the page trains on one wasm thread and says why", async () => {
  const page = await browser.newPage();
  const problems = collectProblems(page);
  await page.goto(site.plainBase + "03-cnn-from-scratch.html");
  await page.waitForSelector(".live-run-all");
  assert.equal(await page.evaluate("crossOriginIsolated"), false);
  const cells = page.locator("section.cell.code[data-cell]");
  for (let i = 0; i < 3; i++) {
    await cells.nth(i).locator("button.live-run").click();
    await page.waitForFunction("!window.courseLive.busy()");
  }
  const text = (await page.locator("main").textContent()) ?? "";
  assert.match(text, /tfjs 4\.22\.0 on wasm: 1 thread, SIMD/);
  assert.match(text, /wasm has 1 thread: the page is not cross-origin isolated \(`npm run serve` sends the headers that allow threads\)/);
  assert.deepEqual(problems, []);
  await page.close();
});
