// The course's measured results: `npm run notebooks -- --results` writes notebooks/results/<profile>.json
// from a run (metrics, seconds per notebook, machine, backend, commit), and the README's results table is
// generated from that file (`renderResultsTable`), so neither is ever typed by hand.
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import path from "node:path";
import type { NotebookResult } from "./execute";
import type { Metrics } from "../../src/report";
import { writeAtomic } from "./notebook";

export interface ResultsFile {
  profile: string;
  date: string; // ISO 8601, when the run finished
  commit: string; // git HEAD, with "+changes" when the tree differed from it
  machine: { cpu: string; cores: number; memory_gib: number; node: string; platform: string };
  backend: string; // the backend line the notebooks reported, e.g. "wasm"
  dataset: string;
  total_seconds: number; // sum over notebooks (they ran one at a time)
  notebooks: { name: string; status: string; seconds: number; cached: boolean; peak_rss_mb?: number; metrics: Metrics }[];
}

function commitOf(root: string): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim() !== "";
    return dirty ? `${head}+changes` : head;
  } catch {
    return "unknown";
  }
}

/** Builds the results of a whole-course run; `cached` notebooks keep the seconds of the run that made them. */
export function collectResults(profile: string, results: NotebookResult[], cached: Set<string>, root: string): ResultsFile {
  const first = (key: string) => results.map((r) => r.metrics[key]).find((v) => typeof v === "string") as string | undefined;
  const notebooks = results.map((r) => {
    const name = path.basename(r.path, ".ipynb");
    const memory = r.peak_rss_mb !== undefined ? { peak_rss_mb: r.peak_rss_mb } : {};
    return { name, status: r.status === "cached" ? "ok" : r.status, seconds: Number(r.seconds.toFixed(1)), cached: cached.has(name), ...memory, metrics: r.metrics };
  });
  return {
    profile,
    date: new Date().toISOString(),
    commit: commitOf(root),
    machine: { cpu: os.cpus()[0]?.model.trim() ?? "unknown", cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    backend: first("backend") ?? "unknown",
    dataset: first("dataset") ?? "unknown",
    total_seconds: Number(notebooks.reduce((s, n) => s + n.seconds, 0).toFixed(1)),
    notebooks,
  };
}

export function writeResults(file: string, results: ResultsFile): void {
  writeAtomic(file, JSON.stringify(results, null, 2) + "\n");
}

const minutes = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;
const nats = (v: unknown) => (typeof v === "number" ? `${v.toFixed(3)} nats` : "–");
const natsChange = (v: unknown) => (typeof v === "number" ? `${v >= 0 ? "+" : ""}${v.toFixed(4)} nats` : "–");
const percent = (v: unknown) => (typeof v === "number" ? `${(100 * v).toFixed(2)}%` : "–");

// The numbers the README quotes, per notebook: [label, metric, format].
const HEADLINES: Record<string, [string, string, (v: unknown) => string][]> = {
  "02": [["3-NN baseline", "baseline_test_accuracy", percent]],
  "04": [
    ["MLP", "test_accuracy_mlp", percent],
    ["small CNN", "test_accuracy_small_cnn", percent],
    ["LeNet-5", "test_accuracy_lenet5", percent],
    ["Keras-style CNN", "test_accuracy_keras_cnn", percent],
    ["best model on the 5,000 OpenCV digits", "opencv_accuracy", percent],
  ],
  "05": [
    ["speed run: test accuracy", "speedrun_test_accuracy", percent],
    ["speed run: seconds of training", "speedrun_seconds", (v) => (typeof v === "number" ? `${v.toFixed(0)} s` : "–")],
  ],
  "07": [
    ["10 labels: full fine-tune", "acc_finetune_10", percent],
    ["10 labels: frozen base", "acc_freeze_10", percent],
    ["10 labels: from scratch", "acc_scratch_10", percent],
  ],
  "08": [
    ["tiny ViT", "vit_test_accuracy", percent],
    ["fine-tuned to OpenCV's digits (mean over seeds): LoRA", "lora_test_accuracy", percent],
    ["full fine-tune", "full_finetune_test_accuracy", percent],
    ["from scratch", "scratch_vit_test_accuracy", percent],
    ["LoRA's trainable share", "lora_trainable_fraction", percent],
  ],
  "09": [
    ["held-out loss", "val_loss", nats],
    ["unigram baseline", "unigram_loss", nats],
    ["on the second text: LoRA", "lora_val_loss_new_text", nats],
    ["full fine-tune", "full_ft_val_loss_new_text", nats],
    ["int8 weights", "int8_loss_increase", natsChange],
  ],
};

/** The README's results section (Markdown) for a results file. */
export function renderResultsTable(r: ResultsFile, file: string): string {
  const memory = r.notebooks.some((n) => n.peak_rss_mb !== undefined); // a column only for files that measured it
  const rows = r.notebooks.map((n) => {
    const key = n.name.slice(0, 2);
    const shown = (HEADLINES[key] ?? []).map(([label, metric, format]) => `${label} ${format(n.metrics[metric])}`).join("; ");
    const peak = memory ? ` ${n.peak_rss_mb !== undefined ? `${n.peak_rss_mb.toLocaleString("en")} MB` : "–"} |` : "";
    return `| \`${n.name}\` | ${minutes(n.seconds)} |${peak} ${shown || "–"} |`;
  });
  return [
    `Measured by \`npm run notebooks -- --profile ${r.profile} --results\` (written to \`${file}\`) on ${r.date.slice(0, 10)}:`,
    `${r.machine.cores} cores (${r.machine.cpu}), ${r.backend} backend, dataset \`${r.dataset}\`, commit ${r.commit}.`,
    `The whole course took ${minutes(r.total_seconds)} (min:s), one notebook at a time.`,
    "",
    memory ? "| notebook | time | kernel peak memory | results |" : "| notebook | time | results |",
    memory ? "|---|---|---|---|" : "|---|---|---|",
    ...rows,
  ].join("\n");
}

const START = "<!-- results:start (generated by npm run notebooks -- --results; do not edit) -->";
const END = "<!-- results:end -->";

/** The README with its generated results section replaced; throws if the markers are missing. */
export function withResultsSection(readme: string, section: string, readmeFile: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${readmeFile}: no results section (the lines "${START}" and "${END}"); add them where the table belongs`);
  return readme.slice(0, start + START.length) + "\n" + section + "\n" + readme.slice(end);
}

/** The generated section currently in the README, or undefined. */
export function readResultsSection(readme: string): string | undefined {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start < 0 || end < start ? undefined : readme.slice(start + START.length, end).trim();
}
