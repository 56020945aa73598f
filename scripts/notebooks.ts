// npm run notebooks -- [notebooks…] [--profile quick|full] [--jobs N] [--force] [--out DIR] [--inplace] [--config FILE] [--results]
// Executes notebooks headlessly on the project's tslab kernel, checks their reported metrics, writes the
// executed notebooks and report.json to build/notebooks/, and skips notebooks whose inputs are unchanged.
// --results: after a passing run of the whole course, writes notebooks/results/<profile>.json and the
// README's results table from it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureBuilt } from "./runner/build";
import { cacheKey, lookup, store } from "./runner/cache";
import { entryFor, loadConfig, matches, profileOf, type CourseConfig, type Profile } from "./runner/config";
import { executeNotebook, type NotebookResult } from "./runner/execute";
import { checkMetrics, formatChecks } from "./runner/metrics";
import { readNotebook, writeAtomic, writeNotebook } from "./runner/notebook";
import { elapsed, Progress } from "./runner/progress";
import { collectResults, renderResultsTable, withResultsSection, writeResults } from "./runner/results";
import { schedule, type Task as ScheduledTask } from "./runner/schedule";

const ROOT = path.resolve(__dirname, "..");
const COURSE_NOTEBOOK = /^\d\d-.*\.ipynb$/;

interface Task extends ScheduledTask {
  file: string;
}

function usage(): never {
  throw new Error("usage: npm run notebooks -- [notebooks…] [--profile quick|full] [--jobs N] [--force] [--out DIR] [--inplace] [--config FILE] [--results]");
}

/** The course notebooks (NN-*.ipynb) of a folder, in order. */
export function courseNotebooks(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => COURSE_NOTEBOOK.test(f)).sort().map((f) => path.join(dir, f)) : [];
}

/** Arguments are .ipynb paths or names/prefixes of course notebooks ("04", "04-training"). */
function resolveNotebooks(args: string[], dir: string): string[] {
  if (args.length === 0) return courseNotebooks(dir);
  return args.flatMap((arg) => {
    if (arg.endsWith(".ipynb")) {
      if (!existsSync(arg)) throw new Error(`${arg}: no such notebook`);
      return [arg];
    }
    const found = courseNotebooks(dir).filter((f) => matches(arg, f));
    if (found.length === 0) throw new Error(`no notebook in ${dir} matches "${arg}"`);
    return found;
  });
}

/** quick unless the real MNIST is in the dataset cache, where the full course is worth its time. */
function defaultProfile(): { name: string; why: string } {
  return existsSync(path.join(ROOT, "data", "mnist", "manifest.json"))
    ? { name: "full", why: "data/mnist is present; pass --profile quick for a fast run" }
    : { name: "quick", why: "no data/mnist, only the offline sets; pass --profile full for the real course" };
}

function checkResult(result: NotebookResult, profile: Profile, profileName: string): void {
  if (result.status !== "ok" && result.status !== "cached") return;
  const checks = checkMetrics(result.metrics, entryFor(profile.metrics, result.path));
  if (checks.every((c) => c.ok)) return;
  result.status = "error";
  result.error = `${result.path}: metrics out of range (profile "${profileName}", dataset "${result.metrics.dataset ?? "*"}"):\n${formatChecks(checks)}`;
}

/**
 * Writes report.json. Entries of notebooks not run this time stay while their executed copy is still in
 * the folder, so the report always describes the whole folder; each entry names its profile.
 */
function writeReport(file: string, profile: string, results: NotebookResult[], outDir: string): void {
  const ran = new Set(results.map((r) => path.basename(r.path)));
  const previous: NotebookResult[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).notebooks ?? [] : [];
  const kept = previous.filter((r) => !ran.has(path.basename(r.path)) && existsSync(path.join(outDir, path.basename(r.path))));
  const notebooks = [...kept, ...results.map((r) => ({ ...r, profile }))].sort((a, b) => path.basename(a.path).localeCompare(path.basename(b.path)));
  writeAtomic(file, JSON.stringify({ profile, notebooks }, null, 2) + "\n");
}

/**
 * Seconds each notebook took last time, for the scheduler's order: the folder's own report for this profile,
 * else the committed results of this profile, else of the full profile (its proportions are close enough).
 */
function lastSeconds(outDir: string, profile: string): Map<string, number> {
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as { profile?: string; notebooks?: { path?: string; name?: string; profile?: string; seconds?: number; status?: string }[] };
    } catch {
      return undefined;
    }
  };
  const seconds = new Map<string, number>();
  const report = read(path.join(outDir, "report.json"));
  for (const r of report?.notebooks ?? []) {
    if (r.path && r.profile === profile && r.status === "ok" && typeof r.seconds === "number") seconds.set(path.basename(r.path, ".ipynb"), r.seconds);
  }
  for (const name of [profile, "full"]) {
    for (const r of read(path.join(ROOT, "notebooks", "results", `${name}.json`))?.notebooks ?? []) {
      if (r.name && !seconds.has(r.name) && typeof r.seconds === "number") seconds.set(r.name, r.seconds);
    }
  }
  return seconds;
}

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping; kernels are being killed\n`);
      process.exit(130); // the kernel module kills every live kernel on exit
    });
  }
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      profile: { type: "string" },
      jobs: { type: "string", default: "1" },
      force: { type: "boolean", default: false },
      out: { type: "string", default: path.join(ROOT, "build", "notebooks") },
      inplace: { type: "boolean", default: false },
      config: { type: "string", default: path.join(ROOT, "notebooks", "course.config.json") },
      results: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) usage();
  if (values.results && positionals.length > 0) throw new Error("--results describes the whole course: run it without naming notebooks");
  if (values.results && values.jobs !== "1") throw new Error("--results measures seconds per notebook: run with --jobs 1");
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs ${values.jobs}: give a whole number ≥ 1`);
  const config: CourseConfig = loadConfig(values.config!);
  const chosen = values.profile ? { name: values.profile, why: "--profile" } : defaultProfile();
  const profile = profileOf(config, chosen.name, values.config!);
  const files = resolveNotebooks(positionals, path.join(ROOT, "notebooks"));
  if (files.length === 0) {
    process.stderr.write("no course notebooks (notebooks/NN-*.ipynb) to run\n");
    return;
  }
  // Side by side, each kernel gets its share of the cores: wasm's pool threads that wait for a busy core
  // slow everything down (measured on 2 cores, --jobs 2: the quick course took 12:10 with 2 threads per kernel,
  // 9:09 with 1, same parameters).
  const kernelEnv: Record<string, string> = {};
  const cores = os.availableParallelism();
  if (jobs > 1 && !process.env.TFJS_THREADS) kernelEnv.TFJS_THREADS = String(Math.max(1, Math.floor(cores / jobs)));
  const threadsNote = kernelEnv.TFJS_THREADS ? `; TFJS_THREADS=${kernelEnv.TFJS_THREADS} per kernel (${cores} cores)` : "";
  process.stderr.write(`profile: ${chosen.name} (${chosen.why}); ${files.length} notebook(s), ${jobs} at a time${threadsNote}\n`);
  ensureBuilt(ROOT);

  const outDir = path.resolve(values.out!);
  const cellTimeoutMs = (profile.cellTimeoutSeconds ?? config.cellTimeoutSeconds) * 1000;
  const notebookTimeoutMs = (profile.notebookTimeoutSeconds ?? config.notebookTimeoutSeconds) * 1000;
  const known = [...new Set([...files, ...courseNotebooks(path.dirname(files[0]))])];
  const nameOf = (file: string) => path.basename(file, ".ipynb");
  const needsOf = (file: string) => (entryFor(config.needs, file) ?? []).flatMap((key) => known.filter((f) => matches(key, f)).map(nameOf));
  const paramsOf = (file: string) => entryFor(profile.parameters, file) ?? {};
  const keys = new Map<string, string>();
  const keyOf = (file: string): string => {
    if (!keys.has(file)) {
      const needKeys = needsOf(file).map((n) => keyOf(known.find((f) => nameOf(f) === n)!));
      keys.set(file, cacheKey({ notebookFile: file, notebook: readNotebook(file), root: ROOT, params: paramsOf(file), profile: chosen.name, needKeys }));
    }
    return keys.get(file)!;
  };

  const progress = new Progress();
  const runStarted = performance.now();
  const results = new Map<string, NotebookResult>();
  const estimates = lastSeconds(outDir, chosen.name);
  const tasks: Task[] = files.map((file) => ({ name: nameOf(file), file, needs: needsOf(file), estimate: estimates.get(nameOf(file)) }));
  const finish = (task: Task, result: NotebookResult) => {
    results.set(task.name, result);
    const metrics = Object.entries(result.metrics).map(([k, v]) => `${k}=${typeof v === "number" ? Number(v.toPrecision(4)) : v}`).join(" ");
    const memory = result.peak_rss_mb !== undefined && result.status !== "cached" ? `  kernel peak memory ${result.peak_rss_mb} MB` : "";
    progress.finish(task.name, result.status, result.seconds, [memory, metrics && `  ${metrics}`, result.error].filter(Boolean).join("\n"));
  };

  await schedule(
    tasks,
    jobs,
    async (task) => {
      const relative = path.relative(process.cwd(), task.file);
      const executed = values.inplace ? task.file : path.join(outDir, `${task.name}.ipynb`);
      const key = keyOf(task.file);
      const cached = values.force ? undefined : lookup(outDir, task.name, key, executed);
      if (cached) {
        const result: NotebookResult = { ...cached, path: relative, status: "cached" };
        checkResult(result, profile, chosen.name);
        finish(task, result);
        return result.status === "cached";
      }
      progress.start(task.name);
      const { notebook, result } = await executeNotebook(relative, {
        params: paramsOf(task.file),
        label: `profile "${chosen.name}"`,
        cellTimeoutMs,
        notebookTimeoutMs,
        onCell: (done, total) => progress.cell(task.name, done, total),
        env: kernelEnv,
      });
      writeNotebook(executed, notebook);
      checkResult(result, profile, chosen.name);
      if (result.status === "ok") store(outDir, task.name, key, result);
      finish(task, result);
      return result.status === "ok";
    },
    (task, failedNeed) => finish(task, { path: path.relative(process.cwd(), task.file), status: "error", seconds: 0, metrics: {}, cells: [], error: `  not run: it needs ${failedNeed}, which failed` }),
  );

  const notebooks = tasks.map((t) => results.get(t.name)!);
  writeReport(path.join(outDir, "report.json"), chosen.name, notebooks, outDir);
  const failed = notebooks.filter((r) => r.status === "error" || r.status === "timeout");
  process.stderr.write(`${notebooks.length - failed.length} passed, ${failed.length} failed in ${elapsed((performance.now() - runStarted) / 1000)} (wall clock, ${jobs} at a time) · report: ${path.relative(process.cwd(), path.join(outDir, "report.json"))}\n`);
  if (failed.length) process.exitCode = 1;
  if (values.results) {
    if (failed.length) throw new Error("--results: not written, because notebooks failed");
    const cached = new Set(notebooks.filter((r) => r.status === "cached").map((r) => path.basename(r.path, ".ipynb")));
    const results = collectResults(chosen.name, notebooks, cached, ROOT);
    const file = path.join(ROOT, "notebooks", "results", `${chosen.name}.json`);
    writeResults(file, results);
    const readmeFile = path.join(ROOT, "README.md");
    writeAtomic(readmeFile, withResultsSection(readFileSync(readmeFile, "utf8"), renderResultsTable(results, path.relative(ROOT, file)), readmeFile));
    process.stderr.write(`results: ${path.relative(process.cwd(), file)} and the README's results table${cached.size ? ` (${cached.size} notebook(s) from the cache: --force measures all)` : ""}\n`);
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`notebooks: ${process.env.DEBUG ? error.stack : error.message}\n`);
    process.exit(1);
  });
}
