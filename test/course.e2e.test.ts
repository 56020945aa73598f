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
});
