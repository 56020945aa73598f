// Unit tests of the notebook runner's pure parts: wire signing, output model, parameters, metrics,
// scheduling and cache keys. The real-kernel behaviour is in runner.e2e.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ICodeCell, INotebookContent } from "@jupyterlab/nbformat";
import { decode, encode, newMessage, type Message } from "../scripts/runner/wire";
import { collapseCarriageReturns, OutputCollector } from "../scripts/runner/outputs";
import { injectParameters } from "../scripts/runner/parameters";
import { checkMetrics, formatChecks, readMetrics } from "../scripts/runner/metrics";
import { chainSeconds, schedule } from "../scripts/runner/schedule";
import { cacheKey } from "../scripts/runner/cache";
import { entryFor } from "../scripts/runner/config";
import { readResultsSection, renderResultsTable, withResultsSection, type ResultsFile } from "../scripts/runner/results";

const codeCell = (source: string, tags: string[] = []): ICodeCell => ({ cell_type: "code", execution_count: null, metadata: tags.length ? { tags } : {}, outputs: [], source });
const msg = (type: string, content: object): Message => newMessage("s", type, content) as Message;

test("wire: a signed message round-trips and a tampered one is rejected", () => {
  const frames = encode("secret", newMessage("session", "execute_request", { code: "1+1" })).map((f) => Buffer.from(f));
  assert.equal(decode("secret", [Buffer.from("routing-id"), ...frames]).content.code, "1+1");
  frames[5] = Buffer.from(JSON.stringify({ code: "2+2" }));
  assert.throws(() => decode("secret", frames), /invalid HMAC/);
  assert.throws(() => decode("other-key", encode("secret", newMessage("s", "x", {})).map((f) => Buffer.from(f))), /invalid HMAC/);
});

test("\\r progress frames collapse to the last one, \\r\\n and backspaces behave", () => {
  assert.equal(collapseCarriageReturns("epoch 1\rstep 1/3\rstep 2/3\rstep 3/3\ndone\n"), "step 3/3\ndone\n");
  assert.equal(collapseCarriageReturns("line\r\nnext\n"), "line\r\nnext\n");
  assert.equal(collapseCarriageReturns("abc\x08\x08xy\n"), "axy\n");
});

test("outputs: streams merge per name, chunked \\r frames collapse, updates apply across cells", () => {
  const collector = new OutputCollector();
  const first = codeCell("a");
  const second = codeCell("b");
  collector.begin(first);
  collector.add(msg("display_data", { data: { "text/plain": "loss 9" }, metadata: {}, transient: { display_id: "live" } }));
  collector.add(msg("stream", { name: "stdout", text: "\r10%" }));
  collector.add(msg("stream", { name: "stdout", text: "\r50%" }));
  collector.add(msg("stream", { name: "stdout", text: "\r100%\n" }));
  collector.add(msg("stream", { name: "stderr", text: "warn\n" }));
  collector.begin(second);
  collector.add(msg("update_display_data", { data: { "text/plain": "loss 1" }, metadata: { final: true }, transient: { display_id: "live" } }));
  assert.deepEqual(first.outputs, [
    { output_type: "display_data", data: { "text/plain": "loss 1" }, metadata: { final: true } },
    { output_type: "stream", name: "stdout", text: "100%\n" },
    { output_type: "stream", name: "stderr", text: "warn\n" },
  ]);
  assert.deepEqual(second.outputs, []);
});

test("outputs: clear_output clears now, or with wait=true at the next output", () => {
  const collector = new OutputCollector();
  const cell = codeCell("x");
  collector.begin(cell);
  collector.add(msg("stream", { name: "stdout", text: "one\n" }));
  collector.add(msg("clear_output", { wait: true }));
  assert.equal(cell.outputs.length, 1, "wait=true keeps the old output until something new arrives");
  collector.add(msg("stream", { name: "stdout", text: "two\n" }));
  assert.deepEqual(cell.outputs, [{ output_type: "stream", name: "stdout", text: "two\n" }]);
  collector.add(msg("clear_output", { wait: false }));
  assert.deepEqual(cell.outputs, []);
});

test("parameters: injected cell follows the parameters cell; undeclared names and missing tag are errors", () => {
  const notebook: INotebookContent = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [codeCell("import x from 'y';"), codeCell("const epochs = 10;\nconst name = 'a';", ["parameters"]), codeCell("train(epochs);")],
  };
  injectParameters(notebook, { epochs: 2, name: "b\"q" }, 'profile "quick"');
  assert.deepEqual(notebook.cells[2].metadata, { tags: ["injected-parameters"] });
  assert.match((notebook.cells[2].source as string[]).join(""), /^\/\/ .*profile "quick"\nconst epochs = 2;\nconst name = "b\\"q";\n$/);
  assert.equal(notebook.cells[1].source, "const epochs = 10;\nconst name = 'a';", "the defaults stay as written");
  injectParameters(notebook, { epochs: 5 }, "again");
  assert.equal(notebook.cells.filter((c) => (c.metadata.tags as string[] | undefined)?.includes("injected-parameters")).length, 1);
  assert.throws(() => injectParameters(notebook, { epoch: 1 }, "typo"), /sets epoch, which the parameters cell does not declare/);
  const untagged: INotebookContent = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell("const a = 1;")] };
  assert.throws(() => injectParameters(untagged, { a: 2 }, "p"), /no code cell is tagged "parameters"/);
});

test("metrics: the last report wins; ranges by dataset; out of range and missing fail", () => {
  const cell = codeCell("");
  cell.outputs = [
    { output_type: "display_data", metadata: {}, data: { "application/vnd.course.metrics+json": { acc: 0.5, dataset: "digits-opencv" } } },
    { output_type: "display_data", metadata: {}, data: { "application/vnd.course.metrics+json": { acc: 0.93 } } },
  ];
  const metrics = readMetrics({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell] });
  assert.deepEqual(metrics, { acc: 0.93, dataset: "digits-opencv" });
  const ranges = { mnist: { acc: { min: 0.99 } }, "digits-opencv": { acc: { min: 0.9, max: 1 } }, "*": { loss: { max: 1 } } };
  const checks = checkMetrics(metrics, ranges);
  assert.deepEqual(checks.map((c) => [c.metric, c.ok]), [["loss", false], ["acc", true]]);
  assert.match(formatChecks(checks), /FAIL\s+loss\s+\(missing\)\s+-inf \.\. 1/);
  assert.equal(checkMetrics({ acc: 0.95, dataset: "mnist" }, ranges).find((c) => c.metric === "acc")!.ok, false);
});

test("metrics: a key \"a - b\" or \"a / b\" checks a margin or ratio between two metrics; a missing side fails", () => {
  const ranges = { "*": { "finetune - scratch": { min: 0.03 }, "vit / cnn": { min: 0.9, max: 1.1 } } };
  const pass = checkMetrics({ finetune: 0.9, scratch: 0.85, vit: 0.95, cnn: 0.97 }, ranges);
  assert.deepEqual(pass.map((c) => c.ok), [true, true]);
  assert.ok(Math.abs((pass[0].value as number) - 0.05) < 1e-12);
  const fail = checkMetrics({ finetune: 0.86, scratch: 0.85, vit: 0.5 }, ranges);
  assert.deepEqual(fail.map((c) => [c.metric, c.ok, c.value === undefined]), [["finetune - scratch", false, false], ["vit / cnn", false, true]]);
  assert.match(formatChecks(fail), /FAIL\s+finetune - scratch\s+0\.01\s+0\.03 \.\. inf/);
  // A margin between margins: the lead at 10 labels minus the lead at 1000.
  const shrink = { "*": { "ft_10 - scratch_10 - ft_1000 + scratch_1000": { min: 0 } } };
  const lead = checkMetrics({ ft_10: 0.72, scratch_10: 0.65, ft_1000: 0.97, scratch_1000: 0.94 }, shrink)[0];
  assert.ok(lead.ok && Math.abs((lead.value as number) - 0.04) < 1e-12, String(lead.value));
  assert.equal(checkMetrics({ ft_10: 0.72, scratch_10: 0.70, ft_1000: 0.97, scratch_1000: 0.90 }, shrink)[0].ok, false);
  assert.equal(checkMetrics({ ft_10: 0.72, scratch_10: 0.70, ft_1000: 0.97 }, shrink)[0].value, undefined, "a missing metric fails");
});

test("config keys match a notebook by full name or NN prefix", () => {
  const table = { "04": "by prefix", "07-transfer": "by name" };
  assert.equal(entryFor(table, "notebooks/04-training.ipynb"), "by prefix");
  assert.equal(entryFor(table, "notebooks/07-transfer.ipynb"), "by name");
  assert.equal(entryFor(table, "notebooks/040-other.ipynb"), undefined);
});

test("schedule: needs run first, at most `jobs` at once, a failed need skips its dependants", async () => {
  const events: string[] = [];
  let running = 0;
  let peak = 0;
  const tasks = [
    { name: "b", needs: ["a"] },
    { name: "a", needs: [] },
    { name: "c", needs: [] },
    { name: "d", needs: ["fails"] },
    { name: "fails", needs: [] },
  ];
  await schedule(
    tasks,
    2,
    async (t) => {
      peak = Math.max(peak, ++running);
      events.push(`start ${t.name}`);
      await new Promise((r) => setTimeout(r, 20));
      events.push(`end ${t.name}`);
      running--;
      return t.name !== "fails";
    },
    (t, need) => events.push(`skip ${t.name} (${need})`),
  );
  assert.ok(events.indexOf("end a") < events.indexOf("start b"));
  assert.ok(events.includes("skip d (fails)") && !events.includes("start d"));
  assert.equal(peak, 2);
  await assert.rejects(schedule([{ name: "x", needs: ["y"] }, { name: "y", needs: ["x"] }], 1, async () => true, () => {}), /cycle: x → y → x/);
});

test("schedule: the longest remaining chain starts first, so short tasks never delay a long one others wait for", async () => {
  // Like the course: "late" waits for "long"; "a" and "b" are short and first in the list.
  const tasks = [
    { name: "a", needs: [], estimate: 1 },
    { name: "b", needs: [], estimate: 1 },
    { name: "long", needs: [], estimate: 50 },
    { name: "late", needs: ["long"], estimate: 40 },
    { name: "mid", needs: [], estimate: 60 },
  ];
  assert.deepEqual(Object.fromEntries(chainSeconds(tasks)), { a: 1, b: 1, long: 90, late: 40, mid: 60 });
  const started: string[] = [];
  await schedule(tasks, 2, async (t) => {
    started.push(t.name);
    await new Promise((r) => setTimeout(r, t.estimate));
    return true;
  }, () => {});
  // Slots go to long (90) and mid (60); when long ends, late (40) goes before a and b (1 each).
  assert.deepEqual(started.slice(0, 3), ["long", "mid", "late"]);
  // Without estimates, the list order decides.
  const plain: string[] = [];
  await schedule([{ name: "x", needs: [] }, { name: "y", needs: [] }, { name: "z", needs: [] }], 1, async (t) => (plain.push(t.name), true), () => {});
  assert.deepEqual(plain, ["x", "y", "z"]);
});

test("cache key changes with the notebook, an imported helper (transitively), data, lockfile, parameters", () => {
  const root = mkdtempSync(path.join(tmpdir(), "cache-key-"));
  mkdirSync(path.join(root, "notebooks"));
  mkdirSync(path.join(root, "dist"));
  mkdirSync(path.join(root, "data", "digits"), { recursive: true });
  const file = path.join(root, "notebooks", "01-a.ipynb");
  const notebook: INotebookContent = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell('import { f } from "../dist/a";')] };
  writeFileSync(file, JSON.stringify(notebook));
  writeFileSync(path.join(root, "dist", "a.js"), 'const b = require("./b");');
  writeFileSync(path.join(root, "dist", "b.js"), "exports.x = 1;");
  writeFileSync(path.join(root, "dist", "unrelated.js"), "exports.y = 1;");
  writeFileSync(path.join(root, "data", "digits", "manifest.json"), '{"sha256":"aa"}');
  writeFileSync(path.join(root, "package-lock.json"), "{}");
  const key = (params: object = {}, profile = "quick") => cacheKey({ notebookFile: file, notebook, root, params, profile, needKeys: [] });
  const base = key();
  assert.equal(key(), base, "same inputs, same key");
  writeFileSync(path.join(root, "dist", "unrelated.js"), "exports.y = 2;");
  assert.equal(key(), base, "a helper the notebook does not import does not matter");
  writeFileSync(path.join(root, "data", "digits", "train.gz"), "re-fetched bytes");
  assert.equal(key(), base, "files covered by a manifest count through the manifest's checksums only");
  const changes: [string, () => void][] = [
    ["transitive helper", () => writeFileSync(path.join(root, "dist", "b.js"), "exports.x = 2;")],
    ["dataset manifest", () => writeFileSync(path.join(root, "data", "digits", "manifest.json"), '{"files":{"a.gz":{"sha256":"bb"}}}')],
    ["a data file outside any manifest", () => writeFileSync(path.join(root, "data", "loose.bin"), "x")],
    ["lockfile", () => writeFileSync(path.join(root, "package-lock.json"), '{"v":2}')],
    ["notebook source", () => writeFileSync(file, JSON.stringify(notebook) + " ")],
  ];
  let previous = base;
  for (const [what, change] of changes) {
    change();
    const next = key();
    assert.notEqual(next, previous, `${what} changes the key`);
    previous = next;
  }
  assert.notEqual(key({ epochs: 1 }), previous, "parameters change the key");
  assert.notEqual(key({}, "full"), previous, "the profile changes the key");
});

test("results: the README's results table is the one generated from notebooks/results/full.json", () => {
  const file = path.join(__dirname, "..", "notebooks", "results", "full.json");
  const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const results = JSON.parse(readFileSync(file, "utf8")) as ResultsFile;
  assert.equal(readResultsSection(readme), renderResultsTable(results, "notebooks/results/full.json"));
  assert.equal(results.profile, "full");
  assert.ok(results.notebooks.every((n) => n.status === "ok"), "a results file only comes from a passing run");
});

test("results: the table gets a memory column only when the file measured the kernels' peak memory", () => {
  const base: ResultsFile = {
    profile: "full", date: "2026-12-03T00:00:00Z", commit: "abc", backend: "wasm", dataset: "mnist", total_seconds: 70,
    machine: { cpu: "cpu", cores: 2, memory_gib: 24, node: "v22", platform: "linux x64" },
    notebooks: [
      { name: "00-setup", status: "ok", seconds: 10, cached: false, metrics: {} },
      { name: "04-training-a-cnn", status: "ok", seconds: 60, cached: false, peak_rss_mb: 1234, metrics: { test_accuracy_mlp: 0.98 } },
    ],
  };
  const table = renderResultsTable(base, "f.json");
  assert.match(table, /\| notebook \| time \| kernel peak memory \| results \|\n\|---\|---\|---\|---\|/);
  assert.match(table, /\| `00-setup` \| 0:10 \| – \| – \|/);
  assert.match(table, /\| `04-training-a-cnn` \| 1:00 \| 1,234 MB \| MLP 98\.00%;/);
  const without = renderResultsTable({ ...base, notebooks: base.notebooks.map(({ peak_rss_mb: _, ...n }) => n) }, "f.json");
  assert.match(without, /\| notebook \| time \| results \|\n\|---\|---\|---\|\n/);
});

test("results: the section between the markers is replaced, the rest of the README kept; missing markers are an error", () => {
  const start = "<!-- results:start (generated by npm run notebooks -- --results; do not edit) -->";
  const readme = `# T\n\n${start}\nold\n<!-- results:end -->\n\ntail\n`;
  const updated = withResultsSection(readme, "| new |", "README.md");
  assert.equal(updated, `# T\n\n${start}\n| new |\n<!-- results:end -->\n\ntail\n`);
  assert.equal(readResultsSection(updated), "| new |");
  assert.throws(() => withResultsSection("# no markers", "x", "README.md"), /README\.md: no results section/);
});
