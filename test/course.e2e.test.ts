// The course regression test: every course notebook (notebooks/NN-*.ipynb) through the runner in the
// quick profile; each must succeed with its reported metrics inside the configured ranges.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { courseNotebooks } from "../scripts/notebooks";
import { entryFor, loadConfig } from "../scripts/runner/config";
import { buildSite } from "../scripts/site/build";
import { serveStatic } from "../scripts/site/static-server";
import { launchChromium, legibilityProblems, openPage } from "./site-browser";
import type { AddressInfo } from "node:net";

const ROOT = path.resolve(__dirname, "..");
const notebooks = courseNotebooks(path.join(ROOT, "notebooks"));

test("course notebooks run in the quick profile with metrics in range", { skip: notebooks.length === 0 && "no course notebooks (notebooks/NN-*.ipynb) have landed yet" }, async (t) => {
  const out = mkdtempSync(path.join(tmpdir(), "course-"));
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"), "--profile", "quick", "--jobs", "2", "--out", out], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const reportFile = path.join(out, "report.json");
  assert.ok(existsSync(reportFile), "the runner wrote no report.json; see its output above");
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as { notebooks: { path: string; status: string; error?: string }[] };
  const quick = loadConfig(path.join(ROOT, "notebooks", "course.config.json")).profiles.quick;
  for (const file of notebooks) {
    await t.test(path.basename(file), () => {
      const entry = report.notebooks.find((n) => path.resolve(ROOT, n.path) === file);
      assert.ok(entry, `${file} is missing from report.json`);
      assert.equal(entry.status, "ok", entry.error);
      if (!entryFor(quick.metrics, file)) t.diagnostic(`${path.basename(file)}: no metric ranges in the quick profile`);
    });
  }
  assert.equal(run.status, 0, "the runner failed; see its output above");

  // The course site built from these executed notebooks, read in Chromium at desktop and phone widths.
  await t.test("every course page is legible at 1280 px and 390 px, with no page errors", async () => {
    const siteDir = mkdtempSync(path.join(tmpdir(), "course-site-"));
    const site = buildSite({ executedDir: out, sourceDir: path.join(ROOT, "notebooks"), modelDir: path.join(ROOT, "models/digit-cnn"), outDir: siteDir });
    const server = await serveStatic(siteDir, 0);
    const browser = await launchChromium();
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      for (const name of site.pages.filter((p) => /^\d\d-.*\.html$/.test(p))) {
        for (const width of [1280, 390]) {
          const { page, problems, close } = await openPage(browser, base + name, { width, timeout: 30_000 });
          problems.push(...(await legibilityProblems(page)));
          assert.deepEqual(problems, [], `${name} at ${width} px`);
          await close();
        }
      }
    } finally {
      await browser.close();
      server.close();
    }
  });
});
