// Fast checks of the rendered course site (no browser): the fixture notebooks cover every output kind.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SiteSummary } from "../scripts/site/build";
import { FIXTURES, buildFixtureSite } from "./site-fixture";
import { copyModel, readModelFacts, renderDemo } from "../scripts/site/demo";
import { createMarkdown } from "../scripts/site/markdown";
import { notebookGoals, notebookTitle } from "../scripts/site/course";

let out: string;
let summary: SiteSummary;
const html = (name: string) => fs.readFileSync(path.join(out, name), "utf8");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, "build/notebooks", name), "utf8"));

before(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "site-unit-"));
  summary = buildFixtureSite(out, path.join(out, "no-model"));
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

describe("pages", () => {
  test("one page per notebook, the home page and the demo page, each .ipynb downloadable", () => {
    assert.deepEqual([...summary.pages].sort(), ["00-fixture-basics.html", "01-fixture-figures.html", "02-fixture-not-executed.html", "demo.html", "index.html"]);
    for (const slug of ["00-fixture-basics", "01-fixture-figures", "02-fixture-not-executed"]) {
      assert.ok(fs.existsSync(path.join(out, "notebooks", `${slug}.ipynb`)));
      assert.match(html(`${slug}.html`), new RegExp(`href="notebooks/${slug}.ipynb" download`));
    }
  });

  test("a notebook without an executed copy falls back to its source, marked not executed", () => {
    assert.match(html("02-fixture-not-executed.html"), /has not been executed/);
    assert.doesNotMatch(html("00-fixture-basics.html"), /has not been executed/);
  });

  test("navigation: outline, on-this-page headings, previous and next", () => {
    const page = html("01-fixture-figures.html");
    assert.match(page, /<li class="current" aria-current="page"><a href="01-fixture-figures.html">Fixture: images, plots and metrics<\/a>/);
    assert.match(page, /<nav class="toc"[^]*href="#goals"[^]*href="#summary"/);
    assert.match(page, /rel="prev" href="00-fixture-basics.html"/);
    assert.match(page, /rel="next" href="02-fixture-not-executed.html"/);
    assert.match(html("02-fixture-not-executed.html"), /rel="next" href="demo.html"/);
  });

  test("a rebuild keeps one copy of each library and drops pages and files it no longer writes", () => {
    fs.writeFileSync(path.join(out, "assets/vendor/plotly.js"), "stale copy from an older build");
    fs.writeFileSync(path.join(out, "99-removed-notebook.html"), "stale page");
    buildFixtureSite(out, path.join(out, "no-model"));
    assert.deepEqual(fs.readdirSync(path.join(out, "assets/vendor")).sort(), ["katex", "mermaid.min.js", "plotly.min.js", "tf.min.js"]);
    assert.ok(!fs.existsSync(path.join(out, "99-removed-notebook.html")));
  });

  test("only local assets: no http(s) URL in any script, link or image", () => {
    for (const name of summary.pages) assert.doesNotMatch(html(name), /(src|href)="(https?:)?\/\//, name);
  });
});

describe("markdown cells", () => {
  const page = () => html("00-fixture-basics.html");
  test("KaTeX typesets inline and display maths at build time", () => {
    assert.ok((page().match(/class="katex"/g) ?? []).length >= 4);
    assert.match(page(), /class="katex-display"/);
    assert.doesNotMatch(page(), /katex-error/);
  });
  test("mermaid fences become diagrams for the browser, and only that page loads mermaid", () => {
    assert.match(page(), /<pre class="mermaid" data-source="flowchart LR\n/);
    assert.match(page(), /<script src="assets\/vendor\/mermaid.min.js">/);
    assert.doesNotMatch(html("01-fixture-figures.html"), /mermaid.min.js/);
  });
  test("headings get anchors, tables become tables, author HTML passes through", () => {
    assert.match(page(), /<h2 id="learning-goals" tabindex="-1">Learning goals <a class="header-anchor" href="#learning-goals"/);
    assert.match(page(), /<th>layer<\/th>/);
    assert.match(page(), /<kbd>Ctrl<\/kbd>/);
  });
});

describe("code cells and outputs", () => {
  test("code is highlighted as TypeScript with a copy button", () => {
    const page = html("00-fixture-basics.html");
    assert.match(page, /<code class="hljs language-typescript"><span class="hljs-keyword">const<\/span> <span class="hljs-variable constant_">EPOCHS<\/span>/);
    assert.ok((page.match(/<button type="button" class="copy"/g) ?? []).length >= 5);
  });
  test("ANSI colours become classes; printed <script> is escaped, never live", () => {
    const page = html("00-fixture-basics.html");
    assert.match(page, /<span class="ansi-green-fg">epoch 1<\/span>/);
    assert.match(page, /&lt;script&gt;window.__pwned = 1&lt;\/script&gt;/);
    assert.doesNotMatch(page, /<script>window.__pwned/);
  });
  test("text/plain and text/html outputs", () => {
    const page = html("00-fixture-basics.html");
    assert.match(page, /<pre class="output plain">Tensor\n {4}\[\[1, 2\],/);
    assert.match(page, /<div class="output html"><table class="html-output">/);
  });
  test("cell tags: hide-input, hide-output, remove-cell, remove-input, remove-output", () => {
    const page = html("00-fixture-basics.html");
    for (const gone of ["REMOVED_CELL_SOURCE", "REMOVED_CELL_OUTPUT", "REMOVED_INPUT_SOURCE", "REMOVED_OUTPUT_TEXT"]) assert.ok(!page.includes(gone), gone);
    assert.ok(page.includes("the output of a remove-input cell stays"));
    assert.ok(page.includes("the source of a remove-output cell stays"));
    assert.match(page, /<details class="collapsed"><summary>Show code<\/summary><div class="input">[^]*?the input of this cell is hidden behind a toggle/);
    assert.match(page, /<details class="collapsed"><summary>Show output<\/summary><div class="outputs"><pre class="output stream stdout">this output is hidden/);
  });
  test("cell tag solution: an exercise's code and output fold together behind one toggle", () => {
    const page = html("00-fixture-basics.html");
    assert.match(page, /<section class="cell code solution" data-cell="\d+" data-tags="solution"><details class="collapsed"><summary>Show solution<\/summary><div class="input">[^]*?SOLUTION_SOURCE[^]*?<div class="outputs"><pre class="output stream stdout">the answer of an exercise\n?<\/pre><\/div><\/details><\/section>/);
  });
  test("errors: error outputs and stderr of failed cells are styled as errors; failed cells are marked", () => {
    const page = html("00-fixture-basics.html");
    assert.match(page, /<pre class="output stream stderr">warning: the wasm backend is not available here; using cpu/);
    assert.match(page, /<pre class="output error"><span class="ansi-red-fg">SyntaxError<\/span>: Unexpected end of JSON input/);
    assert.match(page, /<pre class="output stream stderr error">TypeError: shapes \[2,3\] and \[4\] do not match/);
    assert.match(page, /<section class="cell code failed" data-cell="13">/);
    assert.match(page, /<section class="cell code failed" data-cell="12">/);
    assert.doesNotMatch(page, /<section class="cell code failed" data-cell="2">/);
  });
  test("PNG, JPEG and SVG images; text/plain gives the alt text", () => {
    assert.match(html("01-fixture-figures.html"), /<img alt="PNG 56x56" src="data:image\/png;base64,/);
    const page = html("01-fixture-figures.html");
    const cells = fixture("01-fixture-figures.ipynb").cells;
    assert.ok(page.includes(`src="data:image/png;base64,${cells[1].outputs[0].data["image/png"]}"`));
    assert.ok(page.includes(`src="data:image/jpeg;base64,${cells[2].outputs[0].data["image/jpeg"]}"`));
    assert.match(page, /<div class="output image svg"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*SVG output<\/text><\/svg><\/div>/);
  });
  test("plotly figures are rendered from their JSON with one local plotly.js; the inline HTML fallback is dropped", () => {
    const page = html("01-fixture-figures.html");
    const cells = fixture("01-fixture-figures.ipynb").cells;
    const figures = [...page.matchAll(/<script type="application\/json" data-plotly-for="([^"]+)">(.*?)<\/script>/g)];
    assert.equal(figures.length, 2);
    assert.deepEqual(JSON.parse(figures[0][2]), cells[4].outputs[0].data["application/vnd.plotly.v1+json"]);
    assert.deepEqual(JSON.parse(figures[1][2]), cells[5].outputs[0].data["application/vnd.plotly.v1+json"]);
    assert.match(page, new RegExp(`<div class="output plotly-figure" id="${figures[0][1]}">`));
    assert.doesNotMatch(page, /inline plotly fallback/);
    assert.equal((page.match(/<script src="assets\/vendor\/plotly.min.js"><\/script>/g) ?? []).length, 1);
    assert.doesNotMatch(html("00-fixture-basics.html"), /plotly\.min\.js/);
    assert.ok(fs.statSync(path.join(out, "assets/vendor/plotly.min.js")).size > 1_000_000);
  });
  test("metrics become a small table", () => {
    const page = html("01-fixture-figures.html");
    assert.match(page, /<table class="output metrics">[^]*<th scope="row">test_accuracy<\/th><td>0.9871<\/td>[^]*<th scope="row">dataset<\/th><td>digits-opencv<\/td>/);
    assert.match(page, /<th scope="row">max_grad_rel_error<\/th><td>2.543e-7<\/td>/, "small values keep their significant digits");
  });
});

describe("home page", () => {
  const page = () => html("index.html");
  test("every notebook with title, goals, estimated time and status", () => {
    assert.match(page(), /<a href="00-fixture-basics.html">Fixture: text, maths and errors<\/a>/);
    assert.match(page(), /about 15 min/);
    assert.match(page(), /about 30 min/);
    assert.match(page(), /<li>Render <strong>markdown<\/strong> with <code>inline code<\/code><\/li>/);
    assert.match(page(), /<li>See interactive plots drawn from their JSON<\/li>/);
    assert.doesNotMatch(page(), /a nested detail/);
    assert.match(page(), /class="badge not-executed">not executed/);
    assert.match(page(), /class="badge failed">error in 3.2 s/);
  });
  test("the dataset and backend of the build, loudly when the digits-opencv fallback was used", () => {
    assert.match(page(), /Dataset: <strong>digits-opencv<\/strong>/);
    assert.match(page(), /Backend: <strong>cpu<\/strong>/);
    assert.match(page(), /<div class="alert warning" role="alert"><strong>This build did not use MNIST.<\/strong>/);
  });
  test("links to the demo, which says which notebook to run when there is no model", () => {
    assert.match(page(), /href="demo.html"/);
    assert.match(html("demo.html"), /No trained model yet[^]*<code>04-training-a-cnn<\/code>/);
    assert.doesNotMatch(html("demo.html"), /model\.js/, "no site model to load");
    assert.match(html("demo.html"), /<div class="demo" hidden>/, "the drawing area waits for a model trained in this browser");
  });
});

describe("notebook metadata", () => {
  const md = createMarkdown();
  const notebook = (sources: string[]) => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: sources.map((source) => ({ cell_type: "markdown" as const, metadata: {}, source })) });
  test("title: the first level-1 heading, else the fallback", () => {
    assert.equal(notebookTitle(notebook(["Intro text\n\n## Not this", "# Reading *IDX* files with `DataView`\n"]), md, "x"), "Reading IDX files with DataView");
    assert.equal(notebookTitle(notebook(["## Only h2\n\n    # an indented code line"]), md, "01-idx"), "01-idx");
  });
  test("goals: the first list under 'Learning goals' or 'Goals' only", () => {
    const nb = notebook(["# T\n\nSome list:\n\n- not a goal\n\n### Goals\n\n1. first\n2. second with $x$\n\n- separate list\n\n## Next\n\n- no"]);
    const goals = notebookGoals(nb, md);
    assert.equal(goals.length, 2);
    assert.equal(goals[0], "first");
    assert.match(goals[1], /^second with <eq><span class="katex">/);
    assert.deepEqual(notebookGoals(notebook(["# T\n\n- nothing here"]), md), []);
  });
});

describe("demo model", () => {
  test("copyModel copies model, shards and metadata and bundles them into one script", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-model-"));
    const model = path.join(dir, "model");
    fs.mkdirSync(model);
    const spec = (name: string) => ({ name, shape: [2], dtype: "float32" });
    const manifest = [{ paths: ["a.bin"], weights: [spec("w1")] }, { paths: ["b.bin"], weights: [spec("w2")] }];
    fs.writeFileSync(path.join(model, "model.json"), JSON.stringify({ modelTopology: { class_name: "Sequential" }, weightsManifest: manifest }));
    fs.writeFileSync(path.join(model, "a.bin"), Buffer.from(new Float32Array([1, 2]).buffer));
    fs.writeFileSync(path.join(model, "b.bin"), Buffer.from(new Float32Array([3, 4]).buffer));
    fs.writeFileSync(path.join(model, "metadata.json"), JSON.stringify({ labels: ["zero"] }));
    assert.equal(copyModel(model, path.join(dir, "site")), true);
    const copied = path.join(dir, "site/model/digit-cnn");
    assert.deepEqual(fs.readdirSync(copied).sort(), ["a.bin", "b.bin", "metadata.json", "model.js", "model.json"]);
    const script = fs.readFileSync(path.join(copied, "model.js"), "utf8");
    const bundle = JSON.parse(script.replace(/^window.DIGIT_MODEL = /, "").replace(/;\n$/, ""));
    assert.deepEqual(Array.from(new Float32Array(new Uint8Array(Buffer.from(bundle.weightData, "base64")).buffer)), [1, 2, 3, 4]);
    assert.deepEqual(bundle.weightSpecs.map((w: { name: string }) => w.name), ["w1", "w2"]);
    assert.deepEqual(bundle.metadata, { labels: ["zero"] });
    assert.equal(copyModel(path.join(dir, "nothing"), path.join(dir, "site")), false);
    fs.writeFileSync(path.join(model, "model.json"), JSON.stringify({ format: "graph-model" }));
    assert.throws(() => copyModel(model, path.join(dir, "site")), /model\.json: not a tfjs layers model[^]*04-training-a-cnn/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the demo page states the model's dataset and test accuracy from its metadata, escaped", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-facts-"));
    fs.writeFileSync(path.join(dir, "metadata.json"), JSON.stringify({ dataset: "mnist", accuracy: 0.99264, model: "keras-cnn<b>" }));
    const facts = readModelFacts(dir);
    assert.deepEqual(facts, { dataset: "mnist", accuracy: 0.99264, model: "keras-cnn<b>" });
    const html = renderDemo(true, "04-training-a-cnn.html", facts);
    assert.match(html, /The keras-cnn&#60;b&#62; model from <a href="04-training-a-cnn.html">/);
    assert.match(html, /trained on <strong id="model-dataset">mnist<\/strong> and scored <strong id="model-accuracy">99\.26%<\/strong>/);
    assert.deepEqual(readModelFacts(path.join(dir, "missing")), {});
    assert.doesNotMatch(renderDemo(true, undefined, {}), /model-dataset/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
