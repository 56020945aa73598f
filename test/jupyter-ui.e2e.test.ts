// What a learner sees: every course notebook opened in Debian's classic Jupyter Notebook UI (in Chromium),
// run with the notebook's own "Run All", then again with "Restart & Run All", in the quick profile.
// Each run must execute every cell without errors, draw every plotly figure, show its images and tables,
// end its progress bars at 100%, and raise no page errors. Screenshots go to build/ui-screenshots/.
// UI_NOTEBOOKS=00,01 restricts the run to some notebooks (course order is kept; needs are not added).
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { courseNotebooks } from "../scripts/notebooks";
import { ensureBuilt } from "../scripts/runner/build";
import { entryFor, loadConfig, matches } from "../scripts/runner/config";
import { writeProfileCopy } from "../scripts/runner/profile-copies";
import { notebookServerMissing, shutdownKernels, startNotebookServer, type NotebookServer } from "./jupyter-server";
import { inspect, pageErrors, restartRunAll, runAll, runProblems, screenshotNotebook, waitForKernel, waitForRun, type RunView } from "./notebook-ui";
import { collectProblems, launchChromium } from "./site-browser";

const ROOT = path.resolve(__dirname, "..");
const CONFIG = path.join(ROOT, "notebooks", "course.config.json");
const FIXTURES = path.join(ROOT, "test", "fixtures", "notebooks");
const SCREENSHOTS = path.join(ROOT, "build", "ui-screenshots");
const PROFILE = "quick";

function selected(): string[] {
  const all = courseNotebooks(path.join(ROOT, "notebooks"));
  const keys = (process.env.UI_NOTEBOOKS ?? "").split(",").map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) return all;
  const unknown = keys.filter((k) => !all.some((f) => matches(k, f)));
  if (unknown.length) throw new Error(`UI_NOTEBOOKS: no course notebook matches ${unknown.join(", ")}`);
  return all.filter((f) => keys.some((k) => matches(k, f)));
}

const notebooks = selected();
const skip = notebookServerMissing() || (!existsSync("/usr/bin/chromium") && "Debian's chromium is not installed");

let runDir: string;
let server: NotebookServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  ensureBuilt(ROOT);
  // Cells import ../dist/x, so the notebook copies the server serves sit one level below the repository root.
  runDir = mkdtempSync(path.join(ROOT, ".ui-run-"));
  server = await startNotebookServer(ROOT, runDir);
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

/**
 * Opens `file` in the notebook UI, then for each of `runs` starts it, waits until it is done, screenshots the
 * page and hands what the page shows (plus its page errors) to `check`. The notebook's kernel is shut down after.
 */
async function inNotebookUI(
  t: TestContext,
  file: string,
  runs: ("run-all" | "restart-run-all")[],
  timeoutMs: number,
  check: (run: string, view: RunView, pageProblems: string[]) => void,
): Promise<void> {
  const name = path.basename(file, ".ipynb");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page: Page = await context.newPage();
  const problems = collectProblems(page);
  try {
    const opened = Date.now();
    const url = `${server.url}notebooks/${path.relative(runDir, file).split(path.sep).map(encodeURIComponent).join("/")}`;
    const response = await page.goto(`${url}?token=${server.token}`);
    if (!response?.ok()) throw new Error(`the notebook server answered ${response?.status()} for ${url}`);
    await waitForKernel(page, 60_000).catch(async (err: Error) => {
      // tslab under zeromq 6 can lose its first status message (EBUSY in publishStatus) and never report idle:
      // restart the kernel once, as a learner would. A kernel that cannot start fails the second wait too.
      t.diagnostic(`${name}: ${err.message}; restarting the kernel once`);
      await page.evaluate(() => window.Jupyter.notebook!.kernel!.restart());
      await waitForKernel(page, 60_000);
    });
    t.diagnostic(`${name}: kernel ready ${((Date.now() - opened) / 1000).toFixed(1)} s after opening the page`);
    for (const run of runs) {
      const started = Date.now();
      await (run === "run-all" ? runAll(page) : restartRunAll(page));
      await waitForRun(page, timeoutMs);
      const view = await inspect(page);
      t.diagnostic(`${name} ${run}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${view.cells.length} code cells`);
      await screenshotNotebook(page, path.join(SCREENSHOTS, `${name}.${run}.png`));
      check(run, view, pageErrors(problems.splice(0)));
    }
  } catch (error) {
    t.diagnostic(`server log: ${server.log().trim().split("\n").slice(-5).join(" | ")}`);
    throw error;
  } finally {
    await context.close();
    await shutdownKernels(server);
  }
}

/** A copy of a runner fixture at the same depth below the root (it imports ../../../dist), so the UI never saves into test/. */
function fixtureCopy(name: string): string {
  const copy = path.join(runDir, "fixtures", "notebooks", `${name}.ipynb`);
  mkdirSync(path.dirname(copy), { recursive: true });
  copyFileSync(path.join(FIXTURES, `${name}.ipynb`), copy);
  return copy;
}

test("the UI checks see a failing cell, and a burst of output ends in its final state", { skip }, async (t) => {
  await inNotebookUI(t, fixtureCopy("throws"), ["run-all"], 60_000, (_run, view) => {
    const problems = runProblems(view).join("\n");
    assert.match(problems, /^cell 2 \(const ready = 1;\) failed: Error: fixture boom$/m);
    assert.match(problems, /aborted 1 cell\(s\)/);
  });
  await inNotebookUI(t, fixtureCopy("chatty"), ["run-all"], 60_000, (_run, view, pageProblems) => {
    assert.deepEqual([...runProblems(view), ...pageProblems], []);
    assert.deepEqual(view.cells.map((c) => c.lastOutputText), ["message 2999", "update 1499"]);
  });
});

test(`course notebooks in the classic Notebook UI: Run All, then Restart & Run All (profile "${PROFILE}")`, { skip: skip || (notebooks.length === 0 && "no course notebooks") }, async (t) => {
  const config = loadConfig(CONFIG);
  const timeoutMs = (config.profiles[PROFILE]?.notebookTimeoutSeconds ?? config.notebookTimeoutSeconds) * 1000;
  const failed: string[] = [];
  for (const notebook of notebooks) {
    const name = path.basename(notebook, ".ipynb");
    const failedNeed = (entryFor(config.needs, notebook) ?? []).find((key) => failed.some((f) => matches(key, f)));
    await t.test(name, { skip: failedNeed && `it needs ${failedNeed}, which failed` }, async (st) => {
      try {
        const copy = writeProfileCopy(notebook, runDir, PROFILE, CONFIG);
        await inNotebookUI(st, copy, ["run-all", "restart-run-all"], timeoutMs, (run, view, pageProblems) => {
          const problems = [...runProblems(view), ...pageProblems];
          assert.deepEqual(problems, [], `${name}, ${run}:\n  ${problems.join("\n  ")}`);
        });
      } catch (error) {
        failed.push(name);
        throw error;
      }
    });
  }
});
