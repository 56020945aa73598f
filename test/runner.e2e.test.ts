// The notebook runner end to end: the real CLI on fixture notebooks, real tslab kernels, real processes.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "notebooks");
const CONFIG = path.join(FIXTURES, "course.config.json");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  out: string;
  tmp: string;
  report: { profile: string; notebooks: { path: string; status: string; metrics: Record<string, unknown>; cells: { index: number; status: string }[]; error?: string; peak_rss_mb?: number }[] };
}

const fixture = (name: string) => path.join(FIXTURES, `${name}.ipynb`);
const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Starts the CLI; `whileRunning` may signal it once the given kernel pid file appears. */
function runner(args: string[], opts: { out?: string; env?: Record<string, string>; whileRunning?: (child: ReturnType<typeof spawn>, tmp: string) => void } = {}): Promise<Run> {
  const tmp = tempDir("runner-e2e-");
  const out = opts.out ?? path.join(tmp, "out");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "notebooks.ts"), "--config", CONFIG, "--out", out, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, FIXTURE_TMP: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.resume();
  opts.whileRunning?.(child, tmp);
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      const reportFile = path.join(out, "report.json");
      const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, "utf8")) : { profile: "", notebooks: [] };
      resolve({ code, signal, stderr, out, tmp, report });
    }),
  );
}

/** Alive means present in /proc and not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pidOf = (tmp: string, name: string) => Number(readFileSync(path.join(tmp, `${name}.pid`), "utf8"));
const executed = (run: Run, name: string) => JSON.parse(readFileSync(path.join(run.out, `${name}.ipynb`), "utf8"));
const outputText = (cell: { outputs: { text?: string[]; data?: Record<string, unknown> }[] }) => cell.outputs.map((o) => (o.text ?? []).join("")).join("");

test("success: parameters injected, streams, \\r collapsed, display updated by id, metrics in report.json", async () => {
  const run = await runner([fixture("ok"), "--profile", "quick"]);
  assert.equal(run.code, 0, run.stderr);
  const [entry] = run.report.notebooks;
  assert.equal(entry.status, "ok");
  assert.deepEqual(entry.metrics, { score: 0.1, dataset: "toy" });
  assert.ok(entry.cells.every((c) => c.status === "ok"));
  assert.ok(!alive(pidOf(run.tmp, "ok")), "kernel gone after success");
  // The kernel's peak memory: a tslab kernel with tfjs loaded holds well over 50 MB and, for this notebook, under 4 GB.
  assert.ok(entry.peak_rss_mb !== undefined && entry.peak_rss_mb > 50 && entry.peak_rss_mb < 4096, `peak_rss_mb ${entry.peak_rss_mb}`);
  assert.match(run.stderr, /kernel peak memory \d+ MB/);

  const nb = executed(run, "ok");
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  const params = nb.cells.findIndex((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes("parameters"));
  const injected = nb.cells[params + 1];
  assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
  assert.match(injected.source.join(""), /const epochs = 1;\nconst label = "quick";/);
  assert.equal(outputText(nb.cells[params + 2]), "epochs=1 label=quick\na warning on stderr\n");
  assert.deepEqual(nb.cells[params + 2].outputs.map((o: { name: string }) => o.name), ["stdout", "stderr"]);
  assert.equal(outputText(nb.cells[params + 3]), "progress 100%\n", "only the last \\r frame is kept");
  const live = nb.cells[params + 4].outputs;
  assert.deepEqual(live, [{ output_type: "display_data", data: { "text/plain": "step 3", "text/html": "<b>step 3</b>" }, metadata: {} }]);
  assert.deepEqual(nb.cells[params + 5].outputs, [], "updates land in the original cell, not the updating one");
  const counts = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((c: { execution_count: number }) => c.execution_count);
  assert.deepEqual(counts, counts.map((_: number, i: number) => i + 1));
  assert.ok(nb.cells[params + 2].metadata.execution["shell.execute_reply"], "per-cell timing recorded");
  assert.equal(readFileSync(fixture("ok"), "utf8").includes("injected-parameters"), false, "the source notebook is untouched");
});

test("without parameters for the profile, the parameters cell's defaults run", async () => {
  const run = await runner([fixture("ok"), "--profile", "defaults"]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.report.notebooks[0].metrics, { score: 0.3, dataset: "toy" });
  assert.equal(JSON.stringify(executed(run, "ok")).includes("injected-parameters"), false);
});

test("failures: thrown error, type error and kernel death stop the notebook with a readable report", async () => {
  const run = await runner([fixture("throws"), fixture("type-error"), fixture("exits"), "--jobs", "2", "--profile", "quick"]);
  assert.equal(run.code, 1);
  const byName = Object.fromEntries(run.report.notebooks.map((n) => [path.basename(n.path, ".ipynb"), n]));
  assert.deepEqual(Object.values(byName).map((n) => n.status), ["error", "error", "error"]);
  assert.match(byName.throws.error!, /throws\.ipynb, cell 2:\n\s+\| const ready = 1;\n\s+\| throw new Error\("fixture boom"\);\n[\s\S]*Error: fixture boom/);
  assert.doesNotMatch(byName.throws.error!, /at evalmachine/, "no kernel stack frames without DEBUG");
  assert.match(byName["type-error"].error!, /cell 1:[\s\S]*Type 'string' is not assignable to type 'number'/);
  assert.match(byName.exits.error!, /kernel died \(exit code 3\)/);
  assert.match(run.stderr, /fixture boom/);
  const nb = executed(run, "throws");
  assert.equal(outputText(nb.cells[0]), "before the error\n");
  assert.deepEqual([nb.cells[2].execution_count, nb.cells[2].outputs], [null, []], "cells after the failure do not run");
  for (const name of ["throws", "exits"]) assert.ok(!alive(pidOf(run.tmp, name)), `${name}: kernel gone`);
});

test("per-cell timeout: the kernel is interrupted, then killed", async () => {
  const run = await runner([fixture("hangs"), "--profile", "tight"]);
  assert.equal(run.code, 1);
  const [entry] = run.report.notebooks;
  assert.equal(entry.status, "timeout");
  assert.match(entry.error!, /hangs\.ipynb, cell 2:[\s\S]*cell timed out after 4 s; the kernel was interrupted and killed/);
  assert.ok(!alive(pidOf(run.tmp, "hangs")));
});

test("per-notebook timeout", async () => {
  const run = await runner([fixture("sleeps"), "--profile", "tight-notebook"]);
  assert.equal(run.report.notebooks[0].status, "timeout");
  assert.match(run.report.notebooks[0].error!, /notebook timed out after 15 s/);
  assert.ok(!alive(pidOf(run.tmp, "sleeps")));
});

for (const signal of ["SIGINT", "SIGKILL"] as const) {
  test(`${signal} to the runner mid-cell leaves no kernel behind`, async () => {
    let kernelPid = 0;
    const run = await runner([fixture("sleeps"), "--profile", "quick"], {
      whileRunning: (child, tmp) => {
        until(() => existsSync(path.join(tmp, "sleeps.pid")), "the kernel pid").then(() => {
          kernelPid = pidOf(tmp, "sleeps");
          child.kill(signal);
        });
      },
    });
    assert.equal(signal === "SIGINT" ? run.code : run.signal, signal === "SIGINT" ? 130 : "SIGKILL");
    assert.ok(kernelPid > 0);
    await until(() => !alive(kernelPid), `kernel ${kernelPid} to exit`, 10_000);
  });
}

test("cache: unchanged inputs are skipped as cached; a change or --force re-runs", async () => {
  const dir = tempDir("runner-cache-");
  const copy = path.join(dir, "c-independent.ipynb");
  copyFileSync(fixture("c-independent"), copy);
  const out = path.join(dir, "out");
  const status = async (...args: string[]) => (await runner([copy, "--profile", "quick", ...args], { out })).report.notebooks[0].status;
  assert.equal(await status(), "ok");
  assert.equal(await status(), "cached");
  assert.equal(await status("--profile", "defaults"), "ok", "another profile is another key");
  assert.equal(await status(), "ok", "the output folder holds one executed copy per notebook, so switching back re-runs");
  assert.equal(await status(), "cached");
  const nb = JSON.parse(readFileSync(copy, "utf8"));
  nb.cells[0].source = 'console.log("changed");';
  writeFileSync(copy, JSON.stringify(nb));
  assert.equal(await status(), "ok", "source change re-runs");
  assert.equal(await status("--force"), "ok");
  const more = await runner([fixture("ok"), "--profile", "defaults"], { out });
  assert.deepEqual(
    more.report.notebooks.map((n) => [path.basename(n.path), n.status, (n as { profile?: string }).profile]),
    [["c-independent.ipynb", "ok", "quick"], ["ok.ipynb", "ok", "defaults"]],
    "report.json keeps the entries of notebooks still in the folder",
  );
});

test("--jobs 2 runs a notebook only after the one whose artefact it needs", async () => {
  const run = await runner([fixture("b-second"), fixture("c-independent"), fixture("a-first"), "--jobs", "2", "--profile", "quick"]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.report.notebooks.map((n) => n.status), ["ok", "ok", "ok"]);
  assert.equal(outputText(executed(run, "b-second").cells[0]), "made by a-first\n");
});

test("metric out of range or missing fails with a table", async () => {
  const run = await runner([fixture("ok"), "--profile", "strict"]);
  assert.equal(run.code, 1);
  assert.equal(run.report.notebooks[0].status, "error");
  assert.match(run.stderr, /metrics out of range \(profile "strict", dataset "toy"\)/);
  assert.match(run.stderr, /FAIL\s+never_reported\s+\(missing\)/);
  assert.match(run.stderr, /FAIL\s+score\s+0\.1\s+0\.9 \.\. inf/);
});

test("thousands of kernel messages in one tick arrive intact (zeromq send fix preloaded into tslab)", async () => {
  const run = await runner([fixture("chatty"), "--profile", "quick"]);
  assert.equal(run.code, 0, run.stderr);
  const nb = executed(run, "chatty");
  assert.equal(outputText(nb.cells[0]), "message 2999\n");
  assert.deepEqual(nb.cells[1].outputs.map((o: { data: object }) => o.data), [{ "text/plain": "update 1499" }]);
});

test("a kernel that runs out of memory is reported as such", async () => {
  const run = await runner([fixture("out-of-memory"), "--profile", "quick"], { env: { NODE_OPTIONS: "--max-old-space-size=200" } });
  assert.equal(run.code, 1);
  assert.match(run.report.notebooks[0].error!, /out-of-memory\.ipynb, cell 1:[\s\S]*kernel died \(.*out of memory\)/);
});

test("sources are never modified, unless --inplace", async () => {
  const dir = tempDir("runner-inplace-");
  const copy = path.join(dir, "c-independent.ipynb");
  copyFileSync(fixture("c-independent"), copy);
  const before = readFileSync(copy, "utf8");
  await runner([copy, "--profile", "quick"]);
  assert.equal(readFileSync(copy, "utf8"), before);
  const run = await runner([copy, "--profile", "quick", "--inplace"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(outputText(JSON.parse(readFileSync(copy, "utf8")).cells[0]), "independent\n");
});
